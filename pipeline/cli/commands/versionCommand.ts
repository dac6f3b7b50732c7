import type { CommandModule } from 'yargs';

interface VersionArgs {
  postgres?: string;
  'pg-schema'?: string;
}

/** `pipeline version` (also `pipeline --version`). */
export const versionCommand: CommandModule<object, VersionArgs> = {
  command: 'version',
  describe: 'print the pipeline, DuckDB and (when one is configured and answers within 2 s) Postgres versions',
  builder: (y) =>
    y.option('postgres', { type: 'string', describe: 'Postgres URL [env DATABASE_URL, or the PG* variables; the embedded server is not started]' }) as never,
  handler: async (args) => {
    const { readProductVersions, renderVersions } = await import('../productVersions.js');
    console.log(renderVersions(await readProductVersions({ postgres: args.postgres })));
  },
};
