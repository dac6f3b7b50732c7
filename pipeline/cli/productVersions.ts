import fs from 'node:fs';
import path from 'node:path';
import { version as duckdbVersion } from '../warehouse/duckdbApi.js';
import pg from 'pg';
import { maskSecrets } from '../errors/maskSecrets.js';
import { clientConfig } from '../export/parseConnectionString.js';
import { describeConnection, resolvePostgresTarget, type PostgresFlags } from '../export/postgresTarget.js';

export interface ProductVersions {
  product: string;
  duckdb: string;
  /** Only when a Postgres is configured (--postgres, DATABASE_URL, PG*); never the embedded server. */
  postgres?: { where: string; version?: string; problem?: string };
}

/** The product's version, from the package.json above this file (src or dist). */
function productVersion(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

/** Asks a configured Postgres for its server version, giving up after `timeoutMs`; no embedded server is started. */
async function postgresVersion(flags: PostgresFlags, timeoutMs: number): Promise<ProductVersions['postgres']> {
  const target = resolvePostgresTarget(flags);
  if (target.kind === 'embedded') return undefined;
  const settings = target.kind === 'url' ? target.settings : undefined;
  const where = describeConnection(settings);
  const extra = { connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: 'ecommerce-pipeline' };
  const client = new pg.Client(settings ? clientConfig(settings, extra) : extra);
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    const ask = (async () => {
      await client.connect();
      return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version;
    })();
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    return { where, version: await Promise.race([ask, late]) };
  } catch (error) {
    return { where, problem: maskSecrets((error as Error).message || String((error as { code?: string }).code)) };
  } finally {
    clearTimeout(timer);
    void client.end().catch(() => undefined);
  }
}

export async function readProductVersions(flags: PostgresFlags, timeoutMs = 2000): Promise<ProductVersions> {
  return { product: productVersion(), duckdb: duckdbVersion(), postgres: await postgresVersion(flags, timeoutMs) };
}

/** `pipeline --version`: one line per component; a password never appears. */
export function renderVersions(v: ProductVersions): string {
  const lines = [`pipeline ${v.product}`, `DuckDB ${v.duckdb}`];
  if (v.postgres) {
    lines.push(v.postgres.version ? `Postgres ${v.postgres.version} (${v.postgres.where})` : `Postgres at ${v.postgres.where}: not reachable (${v.postgres.problem})`);
  }
  return lines.join('\n');
}
