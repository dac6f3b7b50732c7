import type pg from 'pg';
import { pgIdent } from './ecommerceTable.js';

/** The channel a sync notifies on commit. */
export const CHANGE_CHANNEL = 'pipeline_ecommerce';

/**
 * The companion table that says which (customer, window) changed in which
 * incremental sync; the contract's table stays as specified. Full loads are in
 * the sync log instead (see resetChanges).
 */
export function changesTable(schema: string, table: string): string {
  return `${pgIdent(schema)}.${pgIdent(`${table}_changes`)}`;
}

export async function ensureChangesTable(client: pg.Client, schema: string, table: string): Promise<void> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${changesTable(schema, table)} (
      "Customer_ID"   integer NOT NULL,
      start_timestamp timestamp without time zone NOT NULL,
      version         bigint  NOT NULL,   -- the DuckDB version of the sync that last changed the row
      deleted         boolean NOT NULL,   -- the window no longer has orders (gone from the table)
      PRIMARY KEY ("Customer_ID", start_timestamp)
    )`);
  await client.query(`CREATE INDEX IF NOT EXISTS ${pgIdent(`${table}_changes_version`)} ON ${changesTable(schema, table)} (version)`);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${syncLogTable(schema, table)} (
      version          bigint PRIMARY KEY,   -- the DuckDB version this sync brought the table to
      previous_version bigint NOT NULL,
      mode             text   NOT NULL,      -- upsert | initial-copy | resync (the last two: every row changed)
      upserted         bigint NOT NULL,
      deleted          bigint NOT NULL,
      synced_at        timestamptz NOT NULL DEFAULT now()
    )`);
}

const UPSERT = `ON CONFLICT ("Customer_ID", start_timestamp) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted`;

/** Records an incremental sync's upserts (temp table _sync_rows) and deletions (_sync_deletes) as `version`. */
export async function recordDelta(client: pg.Client, schema: string, table: string, version: number): Promise<void> {
  const changes = changesTable(schema, table);
  await client.query(`INSERT INTO ${changes} SELECT c, s, $1, true FROM _sync_deletes ${UPSERT}`, [version]);
  await client.query(`INSERT INTO ${changes} SELECT "Customer_ID", start_timestamp, $1, false FROM _sync_rows ${UPSERT}`, [version]);
}

/**
 * A full (re)load (initial copy, resync) changes every row: instead of one
 * change row per key (which doubled the initial sync's cost), the per-key log
 * is emptied and the sync log says "full" — a consumer behind that version
 * reads the whole table.
 */
export async function resetChanges(client: pg.Client, schema: string, table: string): Promise<void> {
  await client.query(`TRUNCATE ${changesTable(schema, table)}`);
}

/** The companion log with one row per sync that changed something (mode full = re-read everything). */
export function syncLogTable(schema: string, table: string): string {
  return `${pgIdent(schema)}.${pgIdent(`${table}_sync_log`)}`;
}

export interface SyncChange {
  target: string;
  version: number;
  previous_version: number;
  /** upsert: only the rows in <table>_changes changed; initial-copy / resync: every row (re-read the table). */
  mode: 'upsert' | 'initial-copy' | 'resync';
  upserted: number;
  deleted: number;
}

export async function recordSync(client: pg.Client, schema: string, table: string, c: SyncChange): Promise<void> {
  await client.query(
    `INSERT INTO ${syncLogTable(schema, table)} (version, previous_version, mode, upserted, deleted) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (version) DO UPDATE SET previous_version = EXCLUDED.previous_version, mode = EXCLUDED.mode,
       upserted = EXCLUDED.upserted, deleted = EXCLUDED.deleted, synced_at = now()`,
    [c.version, c.previous_version, c.mode, c.upserted, c.deleted],
  );
}

/**
 * NOTIFY pipeline_ecommerce with what the sync changed. Sent inside the sync's
 * transaction: Postgres delivers it on COMMIT only, so a listener never hears
 * of a sync that rolled back.
 */
export async function notifyConsumers(
  client: pg.Client,
  change: SyncChange,
): Promise<void> {
  await client.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify(change)]);
}
