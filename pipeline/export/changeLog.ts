import type pg from 'pg';
import { pgIdent } from './ecommerceTable.js';

/** The channel a sync notifies on commit. */
export const CHANGE_CHANNEL = 'pipeline_ecommerce';

/** The companion table that says which (customer, window) changed in which version; the contract's table stays as specified. */
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
}

const UPSERT = `ON CONFLICT ("Customer_ID", start_timestamp) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted`;

/** Records an incremental sync's upserts (temp table _sync_rows) and deletions (_sync_deletes) as `version`. */
export async function recordDelta(client: pg.Client, schema: string, table: string, version: number): Promise<void> {
  const changes = changesTable(schema, table);
  await client.query(`INSERT INTO ${changes} SELECT c, s, $1, true FROM _sync_deletes ${UPSERT}`, [version]);
  await client.query(`INSERT INTO ${changes} SELECT "Customer_ID", start_timestamp, $1, false FROM _sync_rows ${UPSERT}`, [version]);
}

/** Records a full (re)load: every row of the table is changed as `version`; rows known before and now gone are deleted. */
export async function recordFull(client: pg.Client, schema: string, table: string, version: number): Promise<void> {
  const changes = changesTable(schema, table);
  const target = `${pgIdent(schema)}.${pgIdent(table)}`;
  await client.query(
    `UPDATE ${changes} c SET version = $1, deleted = true
     WHERE NOT c.deleted AND NOT EXISTS (SELECT 1 FROM ${target} t WHERE t."Customer_ID" = c."Customer_ID" AND t.start_timestamp = c.start_timestamp)`,
    [version],
  );
  await client.query(`INSERT INTO ${changes} SELECT "Customer_ID", start_timestamp, $1, false FROM ${target} ${UPSERT}`, [version]);
}

/**
 * NOTIFY pipeline_ecommerce with what the sync changed. Sent inside the sync's
 * transaction: Postgres delivers it on COMMIT only, so a listener never hears
 * of a sync that rolled back.
 */
export async function notifyConsumers(
  client: pg.Client,
  change: { target: string; version: number; previous_version: number; upserted: number; deleted: number },
): Promise<void> {
  await client.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify(change)]);
}
