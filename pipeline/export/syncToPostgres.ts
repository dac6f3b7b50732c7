import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PipelineError } from '../errors/PipelineError.js';
import { crashPoint } from '../run/crashPoint.js';
import { countRows } from '../progress/countRows.js';
import { NO_PROGRESS, type ProgressReporter } from '../progress/ProgressReporter.js';
import { profileMarks } from '../progress/profileMarks.js';
import { DuckDbExportSource } from './DuckDbExportSource.js';
import { isExportSource, type ExportSource } from './ExportSource.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { pausePoint } from './pausePoint.js';
import { removeStaleExportFiles } from './removeStaleExportFiles.js';
import { changesTable, ensureChangesTable, nextSyncId, notifyConsumers, recordDelta, recordSync, resetChanges, syncLogTable, type SyncChange } from './changeLog.js';
import { createEcommerceTableSql, ECOMMERCE_COLUMNS, ECOMMERCE_FILLFACTOR, KEY_COLUMNS, pgIdent } from './ecommerceTable.js';
import { grantReaderSelect } from './readerRole.js';

export interface SyncReport {
  target: string;
  /** Watermark before this sync (the last source version Postgres had). */
  fromVersion: number;
  /** Watermark after it (the source's version at the time of the sync). */
  toVersion: number;
  rowsUpserted: number;
  rowsDeleted: number;
  /** initial-copy: empty target, rows copied straight in; upsert: staged + ON CONFLICT; none: up to date. */
  mode: 'initial-copy' | 'upsert' | 'resync' | 'none';
  seconds: number;
}

export interface SyncOptions {
  schema: string;
  table?: string;
  /** Folder for the change files the source writes (deleted afterwards). */
  workDir: string;
  /** Progress of the row copy (terminal only). */
  progress?: ProgressReporter;
  /** A role granted SELECT on the table and its companions, in the sync's transaction (the embedded server's consumers). */
  readerRole?: string;
  /**
   * How long the sync waits for a lock held by anyone but another export
   * (PIPELINE_PG_LOCK_WAIT seconds; default 10 s), then fails with
   * POSTGRES_LOCKED naming who holds it. Another export is waited for.
   */
  lockWaitMs?: number;
}

/** The application_name every export connects with: how one export recognises another holding the lock. */
export const EXPORT_APPLICATION_NAME = 'ecommerce-pipeline';
const DEFAULT_LOCK_WAIT_MS = 10_000;

interface LockHolder { pid: number; usename: string | null; application_name: string | null; state: string | null; relation: string; mode: string; since: string | null }

/** Other sessions holding a lock on any of `relations` (regclass names), for the error that names them. */
async function lockHolders(client: pg.Client, relations: string[]): Promise<LockHolder[]> {
  const r = await client.query<LockHolder>(
    `SELECT DISTINCT l.pid, a.usename, a.application_name, a.state, l.relation::regclass::text AS relation, l.mode,
            to_char(a.xact_start, 'YYYY-MM-DD HH24:MI:SS TZ') AS since
     FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.granted AND l.pid <> pg_backend_pid() AND l.relation = ANY (SELECT to_regclass(x) FROM unnest($1::text[]) x)
     ORDER BY l.pid`,
    [relations],
  );
  return r.rows;
}

function lockedError(target: string, holders: LockHolder[], waitedMs: number, cause?: unknown): PipelineError {
  const who = holders.length === 0
    ? 'a session that has since let go (run the export again)'
    : holders.map((h) => `pid ${h.pid} (user ${h.usename ?? '?'}, application "${h.application_name ?? ''}", ${h.state ?? 'state unknown'}` +
        `${h.since ? `, transaction since ${h.since}` : ''}) holding ${h.mode} on ${h.relation}`).join('; ');
  return new PipelineError(
    'POSTGRES_LOCKED',
    `the export to ${target} waited ${(waitedMs / 1000).toFixed(1)} s for a lock and gave up: ${who}. ` +
      `Nothing was changed; end that session (SELECT pg_terminate_backend(pid)) or wait, then export again ` +
      `(PIPELINE_PG_LOCK_WAIT sets the wait in seconds).`,
    { cause },
  );
}

/**
 * Takes the sync's lock: EXCLUSIVE on pipeline_sync_state, a table only the
 * export's owner may touch — a consumer (SELECT on the exported tables only)
 * can neither take it nor hold it up, unlike an advisory lock anyone can take.
 * Another export holding it is waited for (it finishes on its own); anyone
 * else for `waitMs`, then POSTGRES_LOCKED says who it is.
 */
async function lockSyncState(client: pg.Client, stateTable: string, target: string, waitMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    await client.query('SAVEPOINT pipeline_sync_lock');
    try {
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.min(1000, waitMs))}`);
      await client.query(`LOCK TABLE ${stateTable} IN EXCLUSIVE MODE`);
      await client.query('RELEASE SAVEPOINT pipeline_sync_lock'); // keeps the lock
      // a released savepoint's SET LOCAL lasts to the end of the transaction: back to the full wait
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(waitMs))}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55P03') throw error;
      await client.query('ROLLBACK TO SAVEPOINT pipeline_sync_lock');
      const holders = await lockHolders(client, [stateTable]);
      // the holder let go between the timeout and this look: take the lock now, never fail for it
      if (holders.length === 0) continue;
      const me = (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u;
      const anotherExport = holders.length > 0 && holders.every((h) => h.application_name === EXPORT_APPLICATION_NAME && h.usename === me);
      if (!anotherExport && Date.now() - started >= waitMs) throw lockedError(target, holders, Date.now() - started, error);
    }
  }
}

const COLUMN_LIST = ECOMMERCE_COLUMNS.map((c) => pgIdent(c.name)).join(', ');

async function copyFile(client: pg.Client, table: string, columns: string, file: string, stage?: { progress: ProgressReporter; name: string; rows: number }): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN WITH (FORMAT csv)`));
  const s = (stage?.progress ?? NO_PROGRESS).stage(stage?.name ?? '', stage?.rows, 'rows');
  try {
    await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), countRows(s), stream);
  } finally {
    s.end();
  }
  return Number(stream.rowCount ?? 0);
}

/** The schema and the sync-state table whose lock serialises syncs (see lockSyncState); nothing is locked when they exist. */
async function ensureSyncState(client: pg.Client, schema: string): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${pgIdent(schema)}`);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${pgIdent(schema)}.pipeline_sync_state (
      target     text PRIMARY KEY,
      version    bigint NOT NULL,
      synced_at  timestamptz NOT NULL DEFAULT now()
    )`);
}

/**
 * Creates the target and companion tables if missing (inside the sync's
 * transaction, under its lock); an existing target with other columns is
 * reported, not altered.
 */
export async function ensureTargetTable(client: pg.Client, schema: string, table: string): Promise<void> {
  const qualified = `${pgIdent(schema)}.${pgIdent(table)}`;
  await client.query(createEcommerceTableSql(qualified));
  // which warehouse the watermark belongs to (a recreated warehouse starts its versions over)
  const { rowCount } = await client.query(
    `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'pipeline_sync_state' AND column_name = 'warehouse_id'`,
    [schema],
  );
  if (!rowCount) await client.query(`ALTER TABLE ${pgIdent(schema)}.pipeline_sync_state ADD COLUMN IF NOT EXISTS warehouse_id text`);
  const { rows } = await client.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`,
    [schema, table],
  );
  const found = new Map(rows.map((r) => [r.column_name, r.data_type]));
  const problems: string[] = [];
  for (const c of ECOMMERCE_COLUMNS) {
    const t = found.get(c.name);
    if (t === undefined) problems.push(`column "${c.name}" is missing`);
    else if (t !== c.postgresType) problems.push(`column "${c.name}" is ${t}, expected ${c.postgresType}`);
  }
  if (problems.length > 0) {
    throw new PipelineError(
      'POSTGRES_TABLE_INCOMPATIBLE',
      `the existing table ${schema}.${table} does not match the contract: ${problems.join('; ')}. ` +
        `It was not changed; fix or drop it, or export to another --pg-schema.`,
    );
  }
  await ensureFillfactor(client, qualified);
  await ensureChangesTable(client, schema, table);
}

/**
 * A target made before it was created with ECOMMERCE_FILLFACTOR (or by hand
 * without one) gets it, once, if this role owns it: Postgres applies it to
 * pages written from then on (rows a sync moves or adds, a resync's copy), so
 * the delta syncs' updates turn HOT as the table is rewritten — no rewrite here
 * (VACUUM FULL would lock the consumers out for as long as it copies the table;
 * README, "Postgres sync"). A fillfactor someone set is theirs and stays.
 * ALTER … SET (fillfactor) takes SHARE UPDATE EXCLUSIVE: readers are not waited for.
 */
async function ensureFillfactor(client: pg.Client, qualified: string): Promise<void> {
  const r = await client.query<{ set: boolean; mine: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM unnest(coalesce(c.reloptions, '{}')) o WHERE o LIKE 'fillfactor=%') AS set,
            pg_has_role(c.relowner, 'USAGE') AS mine
     FROM pg_class c WHERE c.oid = $1::regclass`,
    [qualified],
  );
  const row = r.rows[0];
  if (row && !row.set && row.mine) await client.query(`ALTER TABLE ${qualified} SET (fillfactor = ${ECOMMERCE_FILLFACTOR})`);
}

/**
 * Brings the Postgres table up to the source's `ecommerce` by watermark: rows with
 * _version > watermark are upserted, tombstones with _version > watermark are
 * deleted, and the new watermark is written — all in ONE Postgres transaction,
 * under an EXCLUSIVE lock on pipeline_sync_state (a concurrent sync waits, then
 * finds nothing left to do; a consumer cannot take that lock, see lockSyncState). A crash anywhere leaves either the old or the new state
 * with its matching watermark, so a rerun converges. The source (a DuckDB
 * warehouse, or an ExportSource such as the Spark engine's lake) writes the
 * changed rows as CSV, which is streamed through COPY FROM STDIN.
 */
export async function syncToPostgres(reader: Warehouse | ExportSource, client: pg.Client, options: SyncOptions): Promise<SyncReport> {
  const source: ExportSource = isExportSource(reader) ? reader : new DuckDbExportSource(reader);
  const started = performance.now();
  const table = options.table ?? 'ecommerce';
  const qualified = `${pgIdent(options.schema)}.${pgIdent(table)}`;
  const target = `${options.schema}.${table}`;
  const stateTable = `${pgIdent(options.schema)}.pipeline_sync_state`;
  const lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  fs.mkdirSync(options.workDir, { recursive: true });
  removeStaleExportFiles(options.workDir); // left by an export that was killed
  const rowsFile = path.join(options.workDir, `rows-${process.pid}.csv`);
  const deletesFile = path.join(options.workDir, `deletes-${process.pid}.csv`);
  const lockStarted = Date.now();
  const mark = profileMarks('export');
  try {
    // every lock wait is bounded (a reader's open transaction, an admin's session), and says who holds it up
    await client.query(`SET lock_timeout = ${Math.max(1, Math.round(lockWaitMs))}`);
    await ensureSyncState(client, options.schema);
    await client.query('BEGIN');
    await lockSyncState(client, stateTable, target, lockWaitMs);
    await ensureTargetTable(client, options.schema, table);
    const state = await client.query<{ version: string; warehouse_id: string | null }>(
      `SELECT version, warehouse_id FROM ${pgIdent(options.schema)}.pipeline_sync_state WHERE target = $1`,
      [target],
    );
    let from = state.rows[0] ? Number(state.rows[0].version) : 0;
    const watermark = from; // what Postgres had, of whichever warehouse: previous_version in the sync log
    const to = await source.currentVersion();
    const warehouseId = await source.identity();
    const syncedId = state.rows[0]?.warehouse_id ?? null;
    let mode: SyncReport['mode'] = 'upsert';
    if (from > to || (syncedId !== null && warehouseId !== null && syncedId !== warehouseId)) {
      // Another warehouse than the one Postgres was synced from (recreated from
      // nothing, or older than what Postgres saw): its versions say nothing here. Start over.
      await client.query(`DELETE FROM ${qualified}`);
      from = 0;
      mode = 'resync';
    } else if (from === to) {
      if (options.readerRole) await grantReaderSelect(client, options.schema, table, options.readerRole);
      await client.query('COMMIT');
      return { target, fromVersion: from, toVersion: to, rowsUpserted: 0, rowsDeleted: 0, mode: 'none', seconds: (performance.now() - started) / 1000 };
    }
    // the number of rows written: the export progress' total
    mark('begin, lock, state');
    const rowsTotal = await source.writeRowsSince(from, rowsFile);
    const rowsStage = options.progress ? { progress: options.progress, name: `export to ${target}`, rows: rowsTotal } : undefined;
    await source.writeTombstonesSince(from, deletesFile);
    mark('source wrote changed rows and tombstones');
    crashPoint('export-before-copy');
    await pausePoint('export-before-copy');

    let upserted = 0;
    let deleted = 0;
    const syncId = await nextSyncId(client, options.schema, table);
    const empty = (await client.query(`SELECT NOT EXISTS (SELECT 1 FROM ${qualified}) AS empty`)).rows[0].empty as boolean;
    if (empty) {
      // Nothing to conflict with or delete: rows go straight into the table.
      if (mode !== 'resync') mode = 'initial-copy';
      upserted = await copyFile(client, qualified, COLUMN_LIST, rowsFile, rowsStage);
      await resetChanges(client, options.schema, table);
    } else {
      await client.query(`CREATE TEMP TABLE _sync_deletes (c integer, s timestamp without time zone) ON COMMIT DROP`);
      await copyFile(client, '_sync_deletes', 'c, s', deletesFile);
      mark('tombstones copied');
      deleted = (await client.query(
        `DELETE FROM ${qualified} t USING _sync_deletes d WHERE t."Customer_ID" = d.c AND t.start_timestamp = d.s`,
      )).rowCount ?? 0;
      mark('rows deleted');
      await client.query(`CREATE TEMP TABLE _sync_rows (LIKE ${qualified}) ON COMMIT DROP`);
      await copyFile(client, '_sync_rows', COLUMN_LIST, rowsFile, rowsStage);
      mark('changed rows copied');
      const updates = ECOMMERCE_COLUMNS.filter((c) => !KEY_COLUMNS.includes(c.name))
        .map((c) => `${pgIdent(c.name)} = EXCLUDED.${pgIdent(c.name)}`)
        .join(', ');
      upserted = (await client.query(
        `INSERT INTO ${qualified} (${COLUMN_LIST}) SELECT ${COLUMN_LIST} FROM _sync_rows
         ON CONFLICT (${KEY_COLUMNS.map(pgIdent).join(', ')}) DO UPDATE SET ${updates}`,
      )).rowCount ?? 0;
      mark('rows upserted');
      await recordDelta(client, options.schema, table, syncId, to);
      mark('change log');
    }
    // the consumers may read what they are about to be told of: granted before the NOTIFY commits
    if (options.readerRole) await grantReaderSelect(client, options.schema, table, options.readerRole);
    if (upserted + deleted > 0 || mode === 'resync') {
      const change: SyncChange = { target, sync_id: syncId, version: to, previous_version: watermark, mode: mode as SyncChange['mode'], upserted, deleted };
      await recordSync(client, options.schema, table, change);
      await notifyConsumers(client, change);
    }
    crashPoint('export-mid-copy');
    await client.query(
      `INSERT INTO ${pgIdent(options.schema)}.pipeline_sync_state (target, version, synced_at, warehouse_id) VALUES ($1, $2, now(), $3)
       ON CONFLICT (target) DO UPDATE SET version = EXCLUDED.version, synced_at = EXCLUDED.synced_at, warehouse_id = EXCLUDED.warehouse_id`,
      [target, to, warehouseId],
    );
    await client.query('COMMIT');
    mark('sync log, notify, watermark, commit');
    crashPoint('export-after-commit');
    await pausePoint('export-after-commit');
    return { target, fromVersion: from, toVersion: to, rowsUpserted: upserted, rowsDeleted: deleted, mode, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((error as { code?: string }).code === '55P03') {
      // lock_timeout: a statement waited too long for someone's lock on one of the sync's tables
      const holders = await lockHolders(client, [stateTable, qualified, changesTable(options.schema, table), syncLogTable(options.schema, table)]).catch(() => []);
      throw lockedError(target, holders, Date.now() - lockStarted, error);
    }
    throw error;
  } finally {
    fs.rmSync(rowsFile, { force: true });
    fs.rmSync(deletesFile, { force: true });
  }
}
