import type { Argv } from 'yargs';

export interface ExportArgs {
  export?: boolean;
  postgres?: string;
  'pg-schema'?: string;
}

export function withExportOptions<T>(y: Argv<T>): Argv<T & ExportArgs> {
  return y
    .option('export', {
      type: 'boolean',
      describe: 'sync ecommerce to Postgres after the run (--no-export to skip) [env PIPELINE_EXPORT=0 skips]',
    })
    .option('postgres', {
      type: 'string',
      describe: 'Postgres connection string: URL, user:pw@host:port/db or key=value [env DATABASE_URL, or the PG* variables; default: the embedded server under warehouse/postgres]',
    })
    .option('pg-schema', { type: 'string', describe: 'Postgres schema of the ecommerce table [env PIPELINE_PG_SCHEMA, default public]' }) as Argv<
    T & ExportArgs
  >;
}

/** --export/--no-export > PIPELINE_EXPORT > on. */
export function exportEnabled(args: ExportArgs, env: NodeJS.ProcessEnv = process.env): boolean {
  if (args.export !== undefined) return args.export;
  const v = env.PIPELINE_EXPORT;
  if (v !== undefined && v !== '') return !['0', 'false', 'no', 'off'].includes(v.toLowerCase());
  return true;
}
