import pg from 'pg';
import { inject } from 'vitest';

/** The suite's real Postgres (TEST_DATABASE_URL, or the embedded server of globalSetup). */
export function pgUrl(): string {
  return inject('pgUrl');
}

let schemaCounter = 0;
/** A fresh schema name per test, so tests share one server without sharing tables. */
export function uniqueSchema(prefix: string): string {
  return `t_${prefix}_${process.pid}_${++schemaCounter}`.toLowerCase();
}

export async function withPg<T>(work: (c: pg.Client) => Promise<T>, url = pgUrl()): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The Postgres ecommerce table in the same plain shape as readEcommerce (DuckDB), ordered by key. */
export async function readPgEcommerce(schema: string, url = pgUrl()): Promise<Record<string, unknown>[]> {
  return withPg(async (c) => {
    const exists = await c.query(`SELECT to_regclass($1) AS t`, [`"${schema}".ecommerce`]);
    if (!exists.rows[0].t) return [];
    const { rows } = await c.query(`
      SELECT "Customer_ID", "Total_Order_Amount", "Average_Order_Amount", "Order_Count"::float8 AS "Order_Count",
             "Highest_Order_Amount"::float8 AS "Highest_Order_Amount", "Lowest_Order_Amount"::float8 AS "Lowest_Order_Amount",
             "Total_Quantity_Ordered"::float8 AS "Total_Quantity_Ordered", "Average_Quantity_Per_Ordered",
             "Total_Delivery_Distance", "Average_Delivery_Distance", "Distict_Products"::float8 AS "Distict_Products",
             to_char(start_timestamp, 'YYYY-MM-DD HH24:MI:SS.MS') AS start_timestamp,
             to_char(end_timestamp, 'YYYY-MM-DD HH24:MI:SS.MS') AS end_timestamp
      FROM "${schema}".ecommerce ORDER BY "Customer_ID", start_timestamp`);
    return rows;
  }, url);
}

export async function pgWatermark(schema: string, url = pgUrl()): Promise<number | null> {
  return withPg(async (c) => {
    const r = await c.query(`SELECT version FROM "${schema}".pipeline_sync_state WHERE target = $1`, [`${schema}.ecommerce`]);
    return r.rows[0] ? Number(r.rows[0].version) : null;
  }, url);
}

/** The SQLSTATE a statement fails with (undefined when it succeeds). */
export async function failure(client: pg.Client, sql: string): Promise<string | undefined> {
  try {
    await client.query(sql);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}
