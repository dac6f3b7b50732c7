import { describeSettings, parseConnectionString, type ConnectionSettings } from './parseConnectionString.js';

/** Where the export writes: an explicit URL, the standard PG* variables, or the embedded server. */
export type PostgresTarget =
  | { kind: 'url'; settings: ConnectionSettings; schema: string }
  | { kind: 'pgenv'; schema: string }
  | { kind: 'embedded'; schema: string };

export interface PostgresFlags {
  postgres?: string;
  pgSchema?: string;
}

/**
 * Precedence: --postgres > DATABASE_URL > PG* variables (PGHOST/PGDATABASE/...) > embedded server.
 * The connection string is parsed here, once; one that cannot be read is a
 * CONFIG_INVALID error (exit 2) naming the setting, never echoing the string.
 */
export function resolvePostgresTarget(flags: PostgresFlags, env: NodeJS.ProcessEnv = process.env): PostgresTarget {
  const schema = flags.pgSchema || env.PIPELINE_PG_SCHEMA || 'public';
  if (flags.postgres) return { kind: 'url', settings: parseConnectionString(flags.postgres, '--postgres'), schema };
  if (env.DATABASE_URL) return { kind: 'url', settings: parseConnectionString(env.DATABASE_URL, 'DATABASE_URL'), schema };
  if (env.PGHOST || env.PGDATABASE || env.PGSERVICE) return { kind: 'pgenv', schema };
  return { kind: 'embedded', schema };
}

/**
 * "postgresql://user@host:port/db" with the password hidden, for logs and
 * errors; the PG* variables when there is no string. A string that does not
 * parse is never echoed.
 */
export function describeConnection(connection: string | ConnectionSettings | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (!connection) {
    return `${env.PGUSER ?? ''}@${env.PGHOST ?? 'localhost'}:${env.PGPORT ?? '5432'}/${env.PGDATABASE ?? env.PGUSER ?? ''}`;
  }
  if (typeof connection !== 'string') return describeSettings(connection);
  try {
    return describeSettings(parseConnectionString(connection, 'the connection string'));
  } catch {
    return '(an invalid connection string, not shown)';
  }
}
