import type pg from 'pg';
import { pgIdent } from './ecommerceTable.js';

/** The channel a sync notifies on commit. */
export const CHANGE_CHANNEL = 'pipeline_ecommerce';

/**
 * The companion table that says which (customer, window) changed in which
 * sync (`sync_id`, see syncLogTable); the contract's table stays as specified.
 * Full loads are in the sync log instead (see resetChanges).
 */
export function changesTable(schema: string, table: string): string {
  return `${pgIdent(schema)}.${pgIdent(`${table}_changes`)}`;
}

/** The companion log with one row per sync that changed something (mode initial-copy / resync = re-read everything). */
export function syncLogTable(schema: string, table: string): string {
  return `${pgIdent(schema)}.${pgIdent(`${table}_sync_log`)}`;
}

async function hasColumn(client: pg.Client, schema: string, table: string, column: string): Promise<boolean> {
  const r = await client.query(
    `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3`,
    [schema, table, column],
  );
  return (r.rowCount ?? 0) > 0;
}

/**
 * Creates the change log and the sync log. `sync_id` is Postgres' own sequence
 * of syncs (1, 2, 3… in commit order, never reused): unlike the warehouse's
 * version it never goes backwards when the warehouse is recreated, so
 * `sync_id > last seen` always finds every sync a consumer missed. Tables made
 * before sync_id existed (keyed by the warehouse version) get it here, numbered
 * in the order they were synced. Runs inside the sync's transaction, under its
 * lock; DDL runs only when something is missing (an ALTER would wait for every
 * reader's open transaction).
 */
export async function ensureChangesTable(client: pg.Client, schema: string, table: string): Promise<void> {
  const changes = changesTable(schema, table);
  const log = syncLogTable(schema, table);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${changes} (
      "Customer_ID"   integer NOT NULL,
      start_timestamp timestamp without time zone NOT NULL,
      sync_id         bigint  NOT NULL,   -- the sync (${table}_sync_log.sync_id) that last changed the row
      version         bigint  NOT NULL,   -- the warehouse version that sync brought the table to
      deleted         boolean NOT NULL,   -- the window no longer has orders (gone from the table)
      PRIMARY KEY ("Customer_ID", start_timestamp)
    )`);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${log} (
      sync_id          bigint PRIMARY KEY,   -- 1, 2, 3… per sync, in commit order; never goes backwards
      version          bigint NOT NULL,      -- the warehouse version this sync brought the table to
      previous_version bigint NOT NULL,      -- the version Postgres had before (of the previous warehouse, after a resync)
      mode             text   NOT NULL,      -- upsert | initial-copy | resync (the last two: every row changed)
      upserted         bigint NOT NULL,
      deleted          bigint NOT NULL,
      synced_at        timestamptz NOT NULL DEFAULT now()
    )`);
  if (!(await hasColumn(client, schema, `${table}_sync_log`, 'sync_id'))) {
    const pkey = await client.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`,
      [log],
    );
    await client.query(`ALTER TABLE ${log} ADD COLUMN sync_id bigint`);
    await client.query(
      `UPDATE ${log} l SET sync_id = n.id FROM (SELECT version, row_number() OVER (ORDER BY synced_at, version) AS id FROM ${log}) n
       WHERE l.version = n.version`,
    );
    if (pkey.rows[0]) await client.query(`ALTER TABLE ${log} DROP CONSTRAINT ${pgIdent(pkey.rows[0].conname)}`);
    await client.query(`ALTER TABLE ${log} ALTER COLUMN sync_id SET NOT NULL, ADD PRIMARY KEY (sync_id)`);
  }
  if (!(await hasColumn(client, schema, `${table}_changes`, 'sync_id'))) {
    await client.query(`ALTER TABLE ${changes} ADD COLUMN sync_id bigint`);
    await client.query(
      `UPDATE ${changes} c SET sync_id = coalesce((SELECT max(l.sync_id) FROM ${log} l WHERE l.version = c.version), 0)`,
    );
    await client.query(`ALTER TABLE ${changes} ALTER COLUMN sync_id SET NOT NULL`);
  }
  const index = await client.query(`SELECT to_regclass($1) AS i`, [`${pgIdent(schema)}.${pgIdent(`${table}_changes_sync_id`)}`]);
  if (!index.rows[0].i) await client.query(`CREATE INDEX ${pgIdent(`${table}_changes_sync_id`)} ON ${changes} (sync_id)`);
}

/** The next sync's id: one more than the last logged. Called under the sync's lock, so ids follow commit order. */
export async function nextSyncId(client: pg.Client, schema: string, table: string): Promise<number> {
  const r = await client.query<{ id: string }>(`SELECT coalesce(max(sync_id), 0) + 1 AS id FROM ${syncLogTable(schema, table)}`);
  return Number(r.rows[0]!.id);
}

const UPSERT = `ON CONFLICT ("Customer_ID", start_timestamp) DO UPDATE SET sync_id = EXCLUDED.sync_id, version = EXCLUDED.version, deleted = EXCLUDED.deleted`;

/** Records an incremental sync's upserts (temp table _sync_rows) and deletions (_sync_deletes) as sync `syncId`. */
export async function recordDelta(client: pg.Client, schema: string, table: string, syncId: number, version: number): Promise<void> {
  const changes = changesTable(schema, table);
  await client.query(`INSERT INTO ${changes} ("Customer_ID", start_timestamp, sync_id, version, deleted) SELECT c, s, $1, $2, true FROM _sync_deletes ${UPSERT}`, [syncId, version]);
  await client.query(`INSERT INTO ${changes} ("Customer_ID", start_timestamp, sync_id, version, deleted) SELECT "Customer_ID", start_timestamp, $1, $2, false FROM _sync_rows ${UPSERT}`, [syncId, version]);
}

/**
 * A full (re)load (initial copy, resync) changes every row: instead of one
 * change row per key (which doubled the initial sync's cost), the per-key log
 * is emptied and the sync log says "full" — a consumer behind that sync reads
 * the whole table. DELETE, not TRUNCATE: TRUNCATE would wait for every reader's
 * open transaction that has read the table.
 */
export async function resetChanges(client: pg.Client, schema: string, table: string): Promise<void> {
  await client.query(`DELETE FROM ${changesTable(schema, table)}`);
}

export interface SyncChange {
  target: string;
  /** Postgres' sequence number of this sync (never goes backwards). */
  sync_id: number;
  /** The warehouse version the sync brought the table to. */
  version: number;
  /** The version Postgres had before (of the previous warehouse, after a resync). */
  previous_version: number;
  /** upsert: only the rows in <table>_changes changed; initial-copy / resync: every row (re-read the table). */
  mode: 'upsert' | 'initial-copy' | 'resync';
  upserted: number;
  deleted: number;
}

export async function recordSync(client: pg.Client, schema: string, table: string, c: SyncChange): Promise<void> {
  await client.query(
    `INSERT INTO ${syncLogTable(schema, table)} (sync_id, version, previous_version, mode, upserted, deleted) VALUES ($1, $2, $3, $4, $5, $6)`,
    [c.sync_id, c.version, c.previous_version, c.mode, c.upserted, c.deleted],
  );
}

/**
 * NOTIFY pipeline_ecommerce with what the sync changed. Sent inside the sync's
 * transaction: Postgres delivers it on COMMIT only, so a listener never hears
 * of a sync that rolled back. Postgres lets any role that can connect NOTIFY on
 * any channel, so the payload is a hint only: a consumer reads what changed from
 * the sync log (README, "Listening for changes").
 */
export async function notifyConsumers(
  client: pg.Client,
  change: SyncChange,
): Promise<void> {
  await client.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify(change)]);
}
