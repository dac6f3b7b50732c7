import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { maskSecrets } from '../errors/maskSecrets.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { EMBEDDED_DATABASE, EMBEDDED_PASSWORD, EMBEDDED_USER, embeddedDataDir, embeddedPort } from './embeddedPostgres.js';
import { describeConnection, resolvePostgresTarget, type PostgresFlags } from './postgresTarget.js';

export interface SyncStatus {
  target: string;
  connection: string;
  /** Last DuckDB version synced, or null when never synced / unreachable. */
  watermark: number | null;
  duckdbVersion: number;
  versionsBehind: number | null;
  rowsBehind: number | null;
  tombstonesBehind: number | null;
  error?: string;
}

/** Postgres watermark vs DuckDB version, without starting anything (an embedded server is read only if running). */
export async function readSyncStatus(w: Warehouse, warehousePath: string, flags: PostgresFlags): Promise<SyncStatus> {
  const target = resolvePostgresTarget(flags);
  const duck = Number((await w.one<{ v: bigint | null }>('SELECT max(run_id) AS v FROM pipeline_runs'))?.v ?? 0);
  let connectionString: string | undefined;
  if (target.kind === 'url') connectionString = target.connectionString;
  if (target.kind === 'embedded') {
    connectionString = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${embeddedPort()}/${EMBEDDED_DATABASE}`;
  }
  const status: SyncStatus = {
    target: `${target.schema}.ecommerce`,
    connection: target.kind === 'embedded' ? `embedded (${describeConnection(connectionString)})` : describeConnection(connectionString),
    watermark: null,
    duckdbVersion: duck,
    versionsBehind: null,
    rowsBehind: null,
    tombstonesBehind: null,
  };
  if (target.kind === 'embedded' && !fs.existsSync(path.join(embeddedDataDir(warehousePath), 'postmaster.pid'))) {
    status.error = 'the embedded Postgres is not running (`pipeline postgres` serves it; `pipeline export` syncs)';
    return status;
  }
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const r = await client.query(
      `SELECT version FROM "${target.schema.replaceAll('"', '""')}".pipeline_sync_state WHERE target = $1`,
      [status.target],
    ).catch(() => ({ rows: [] as { version: string }[] }));
    const wm = r.rows[0] ? Number(r.rows[0].version) : 0;
    status.watermark = wm;
    status.versionsBehind = Math.max(0, duck - wm);
    status.rowsBehind = await w.count(`SELECT count(*) FROM ecommerce_state WHERE _version > ${wm}`);
    status.tombstonesBehind = await w.count(`SELECT count(*) FROM ecommerce_tombstones WHERE _version > ${wm}`);
  } catch (error) {
    status.error = maskSecrets((error as Error).message);
  } finally {
    await client.end().catch(() => undefined);
  }
  return status;
}
