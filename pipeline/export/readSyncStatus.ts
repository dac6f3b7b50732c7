import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { maskSecrets } from '../errors/maskSecrets.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { DuckDbExportSource } from './DuckDbExportSource.js';
import { isExportSource, type ExportSource } from './ExportSource.js';
import { embeddedDataDir, embeddedOwnerUrl, embeddedPort } from './embeddedPostgres.js';
import { embeddedSecretFiles, readSecret } from './embeddedSecrets.js';
import { restoreReaderRole } from './readerRole.js';
import { clientConfig, parseConnectionString, type ConnectionSettings } from './parseConnectionString.js';
import { describeConnection, resolvePostgresTarget, type PostgresFlags } from './postgresTarget.js';

export interface SyncStatus {
  target: string;
  connection: string;
  /** Last source version synced, or null when never synced / unreachable. */
  watermark: number | null;
  /** The source's current version (named for DuckDB, the first engine; the Spark lake's committed run on Spark). */
  duckdbVersion: number;
  versionsBehind: number | null;
  rowsBehind: number | null;
  tombstonesBehind: number | null;
  error?: string;
}

/**
 * Postgres watermark vs DuckDB version, without starting anything (an embedded
 * server is read only if running, with the owner password stored for it). An
 * unreadable --postgres / DATABASE_URL is a CONFIG_INVALID error.
 */
export async function readSyncStatus(reader: Warehouse | ExportSource, warehousePath: string, flags: PostgresFlags): Promise<SyncStatus> {
  const target = resolvePostgresTarget(flags);
  const source = isExportSource(reader) ? reader : new DuckDbExportSource(reader);
  const duck = await source.currentVersion();
  let settings: ConnectionSettings | undefined;
  let ownerUrl: string | undefined;
  if (target.kind === 'url') settings = target.settings;
  if (target.kind === 'embedded') {
    ownerUrl = embeddedOwnerUrl(warehousePath);
    settings = ownerUrl ? parseConnectionString(ownerUrl, 'the embedded server') : undefined;
  }
  const status: SyncStatus = {
    target: `${target.schema}.ecommerce`,
    connection:
      target.kind === 'embedded'
        ? `embedded (${settings ? describeConnection(settings) : `127.0.0.1:${embeddedPort()}`})`
        : describeConnection(settings),
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
  if (target.kind === 'embedded' && !settings) {
    status.error = 'no password is stored for the embedded Postgres yet (`pipeline export` or `pipeline postgres` sets one)';
    return status;
  }
  const base: pg.ClientConfig = { connectionTimeoutMillis: 3000 };
  const client = new pg.Client(settings ? clientConfig(settings, base) : base);
  client.on('error', () => undefined);
  try {
    await client.connect();
    if (target.kind === 'embedded') {
      // like every command that logs in to the embedded server: a consumer's change to the shared role is undone
      const readerPassword = readSecret(embeddedSecretFiles(warehousePath).reader);
      if (readerPassword) await restoreReaderRole(client, readerPassword).catch(() => undefined);
    }
    const r = await client.query(
      `SELECT version FROM ${pg.escapeIdentifier(target.schema)}.pipeline_sync_state WHERE target = $1`,
      [status.target],
    ).catch(() => ({ rows: [] as { version: string }[] }));
    const wm = r.rows[0] ? Number(r.rows[0].version) : 0;
    status.watermark = wm;
    status.versionsBehind = Math.max(0, duck - wm);
    const behind = await source.countSince(wm);
    status.rowsBehind = behind.rows;
    status.tombstonesBehind = behind.tombstones;
  } catch (error) {
    status.error = maskSecrets((error as Error).message);
  } finally {
    await client.end().catch(() => undefined);
  }
  return status;
}
