import { maskSecrets } from '../errors/maskSecrets.js';

/** Where the export writes: an explicit URL, the standard PG* variables, or the embedded server. */
export type PostgresTarget =
  | { kind: 'url'; connectionString: string; schema: string }
  | { kind: 'pgenv'; schema: string }
  | { kind: 'embedded'; schema: string };

export interface PostgresFlags {
  postgres?: string;
  pgSchema?: string;
}

/** Precedence: --postgres > DATABASE_URL > PG* variables (PGHOST/PGDATABASE/...) > embedded server. */
export function resolvePostgresTarget(flags: PostgresFlags, env: NodeJS.ProcessEnv = process.env): PostgresTarget {
  const schema = flags.pgSchema || env.PIPELINE_PG_SCHEMA || 'public';
  const url = flags.postgres || env.DATABASE_URL;
  if (url) return { kind: 'url', connectionString: url, schema };
  if (env.PGHOST || env.PGDATABASE || env.PGSERVICE) return { kind: 'pgenv', schema };
  return { kind: 'embedded', schema };
}

/** "postgres://user@host:port/db" with the password hidden, for logs and errors. */
export function describeConnection(connectionString: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (!connectionString) {
    return `${env.PGUSER ?? ''}@${env.PGHOST ?? 'localhost'}:${env.PGPORT ?? '5432'}/${env.PGDATABASE ?? env.PGUSER ?? ''}`;
  }
  try {
    const u = new URL(connectionString);
    return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return maskSecrets(connectionString);
  }
}
