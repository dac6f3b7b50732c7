/**
 * The 1% delta of the incremental benchmark, written with DuckDB COPY from SQL
 * over the generated base files. Deterministic: every value is a function of
 * (seed, order number) through DuckDB's hash(), rows are written in a fixed order.
 *
 * For a base of N orders, D = round(N / 100) order rows (or `deltaOrders`):
 * - 80% brand-new orders: Order IDs max+1.., existing customers (1..customers),
 *   Order Time spread uniformly over 2024 (the base data's year), so almost all
 *   of them land in old windows (late data); half written in the `YR-<n>,0` form.
 *   Each gets its delivery in the deliveries delta file.
 * - 20% re-sent existing orders (same Order ID text, customer, time and SKU) with a
 *   changed Quantity (+1) and Order Total (x1.05 + 0.37); every other one of
 *   those also gets a re-sent delivery with a corrected distance (a delivery
 *   record arriving late, after the order was already counted).
 *
 * kind 'append' (issue 18's daily append): all D orders brand-new, placed on the
 * day after the base's newest order (Order Time uniformly in [max, max + 1 day)),
 * each with its delivery: yesterday's orders, in the newest windows only.
 *
 * Files (in the benchmark's own data dir, never in the cached dataset):
 *   Orders/orders_2025_delta_01.csv       mtime 2025-02-01 00:00:00 UTC
 *   Deliveries/deliveries_2025_delta_01.csv  mtime 2025-02-01 00:01:00 UTC
 * Base files have mtimes 2025-01-01 00:00..00:12, so the delta is newer, and its
 * names sort after the base names (the one-shot baseline orders files by name).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export interface DeltaOptions {
  /** Generated base dataset (read only). */
  baseDir: string;
  /** Data dir that receives the delta files. */
  outDir: string;
  orders: number;
  customers: number;
  seed: number;
  /** Order rows in the delta (default round(orders / 100), the 1 % delta). */
  deltaOrders?: number;
  /**
   * Which delta of a series (bench-decay applies many in turn), default 0: the
   * files are named ..._delta_<index+1>, their mtimes are 2 min later per index,
   * new Order IDs start after the previous deltas' and other orders are re-sent.
   * Index 0 gives exactly the files of the single-delta benchmarks.
   */
  index?: number;
  /** 'scattered' (default: 80 % new orders across the year, 20 % re-sent) or 'append' (new orders on the next day). */
  kind?: DeltaKind;
}

export type DeltaKind = 'scattered' | 'append';

export interface DeltaReport {
  files: { path: string; rows: number; bytes: number; mtime: string }[];
  newOrders: number;
  updatedOrders: number;
  newDeliveries: number;
  resentDeliveries: number;
  /** New orders whose window is before the last window of the base data (late data). */
  newOrdersInOldWindows: number;
  seconds: number;
}

export const DELTA_ORDERS_FILE = 'Orders/orders_2025_delta_01.csv';
export const DELTA_DELIVERIES_FILE = 'Deliveries/deliveries_2025_delta_01.csv';

/** File names of delta number `index` (0-based; 01, 02, ... 100, ... sort in order). */
export function deltaFiles(index: number): { orders: string; deliveries: string } {
  if (index === 0) return { orders: DELTA_ORDERS_FILE, deliveries: DELTA_DELIVERIES_FILE };
  const n = String(index + 1).padStart(3, '0');
  return { orders: `Orders/orders_2025_delta_${n}.csv`, deliveries: `Deliveries/deliveries_2025_delta_${n}.csv` };
}

function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * The base's orders (the columns a delta reads, as the CSV reader types them)
 * from a Parquet copy next to the dataset, made on first use and remade when the
 * dataset's order files change (names, sizes, mtimes). Reading the CSV files
 * took ~50 s at 10M orders for every delta: bench-decay's 100 deltas would
 * have spent more than an hour writing them.
 */
async function baseOrders(conn: Awaited<ReturnType<DuckDBInstance['connect']>>, baseDir: string): Promise<string> {
  const cache = `${baseDir.replace(/[\\/]+$/, '')}.orders.parquet`;
  const manifestFile = `${cache}.json`;
  const ordersDir = path.join(baseDir, 'Orders');
  const manifest = JSON.stringify(
    fs.readdirSync(ordersDir).sort().map((name) => {
      const st = fs.statSync(path.join(ordersDir, name));
      return [name, st.size, st.mtimeMs];
    }),
  );
  const fresh = fs.existsSync(cache) && fs.existsSync(manifestFile) && fs.readFileSync(manifestFile, 'utf8') === manifest;
  if (!fresh) {
    const tmp = `${cache}.tmp-${process.pid}`;
    await conn.run(`
      COPY (SELECT "Order ID", "Customer ID", "Order Time", SKU, Quantity, "Order Total"
            FROM read_csv(${lit(`${baseDir}/Orders/*.csv*`)}, union_by_name = true,
                          types = {'Order ID': 'VARCHAR', 'Customer ID': 'BIGINT', 'Quantity': 'DOUBLE', 'Order Total': 'DECIMAL(18,2)', 'SKU': 'VARCHAR'}))
      TO ${lit(tmp)} (FORMAT parquet)`);
    fs.renameSync(tmp, cache);
    fs.writeFileSync(manifestFile, manifest);
  }
  return `read_parquet(${lit(cache)})`;
}

export async function makeDelta(o: DeltaOptions): Promise<DeltaReport> {
  const t0 = performance.now();
  const total = Math.max(1, o.deltaOrders ?? Math.round(o.orders / 100));
  const append = o.kind === 'append';
  const newCount = append ? total : Math.round(total * 0.8);
  const updCount = total - newCount;
  const index = o.index ?? 0;
  const names = deltaFiles(index);
  const ORDERS_MTIME = new Date(Date.UTC(2025, 1, 1, 0, 2 * index, 0));
  const DELIVERIES_MTIME = new Date(Date.UTC(2025, 1, 1, 0, 2 * index + 1, 0));
  // Index 0 keeps the original salts; later deltas pick other orders to re-send.
  const updSalt = index === 0 ? 1 : 1000 + index;
  const seed = `${o.seed}::BIGINT`;
  const ordersPath = path.join(o.outDir, ...names.orders.split('/'));
  const deliveriesPath = path.join(o.outDir, ...names.deliveries.split('/'));

  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run('SET preserve_insertion_order = true');
    // As in the generator's sqlMacros.ts: the salt goes through a second hash (a
    // multi-argument hash() would combine it by XOR, making salts dependent).
    await conn.run(`CREATE MACRO hu(k, salt) AS hash(xor(hash(${seed}, (k)::BIGINT), (salt)::UBIGINT))`);
    await conn.run(`CREATE MACRO order_no_of(t) AS CAST(regexp_extract(t, '^(?:YR-)?([0-9]+)(?:,0)?$', 1) AS BIGINT)`);
    const src = await baseOrders(conn, o.baseDir);
    const maxNo = index * newCount + Number((await conn.runAndReadAll(`SELECT max(order_no_of("Order ID")) FROM ${src}`)).getRows()[0]![0]);
    // new orders' times: across 2024 (scattered), or the day after the base's newest order (append)
    const newTime = append
      ? `(SELECT max(CAST("Order Time" AS TIMESTAMP)) FROM ${src}) + to_seconds((hu(order_no, 4) % 86400)::BIGINT)`
      : `TIMESTAMP '2024-01-01 00:00:00' + to_seconds((hu(order_no, 4) % (366 * 86400))::BIGINT)`;

    // Existing orders to re-send: the updCount smallest hashes (top-N, streaming).
    await conn.run(`
      CREATE TABLE upd AS
      SELECT "Order ID" AS order_id, order_no_of("Order ID") AS order_no, "Customer ID" AS customer_id,
             CAST("Order Time" AS TIMESTAMP) AS order_time, SKU AS sku,
             CAST(Quantity AS BIGINT) + 1 AS quantity,
             CAST(round("Order Total" * 1.05 + 0.37, 2) AS DECIMAL(18,2)) AS total
      FROM ${src}
      ORDER BY hu(order_no_of("Order ID"), ${updSalt}), order_no_of("Order ID")
      LIMIT ${updCount}`);
    await conn.run(`
      CREATE TABLE new_orders AS
      SELECT order_no,
             CASE WHEN hu(order_no, 2) % 2 = 0 THEN 'YR-' || order_no || ',0' ELSE order_no::VARCHAR END AS order_id,
             1 + (hu(order_no, 3) % ${o.customers})::BIGINT AS customer_id,
             ${newTime} AS order_time,
             (['GRC-', 'BEV-', 'HOM-', 'ELC-', 'PHR-', 'BAK-'])[1 + (sku_no % 6)::BIGINT] || lpad(sku_no::VARCHAR, 5, '0') AS sku,
             quantity,
             CAST(quantity * (99 + hu(sku_no, 7) % 4900)::BIGINT * 0.01 AS DECIMAL(18,2)) AS total
      FROM (SELECT order_no, 1 + (hu(order_no, 5) % 3000)::BIGINT AS sku_no, 1 + (hu(order_no, 6) % 10)::BIGINT AS quantity
            FROM range(${maxNo + 1}, ${maxNo + 1 + newCount}) t(order_no))`);

    fs.mkdirSync(path.dirname(ordersPath), { recursive: true });
    fs.mkdirSync(path.dirname(deliveriesPath), { recursive: true });
    await conn.run(`
      COPY (
        SELECT order_id AS "Order ID", customer_id AS "Customer ID", strftime(order_time, '%Y-%m-%d %H:%M:%S.%g') AS "Order Time",
               sku AS "SKU", quantity AS "Quantity", total AS "Order Total"
        FROM (SELECT * FROM new_orders UNION ALL SELECT order_no, order_id, customer_id, order_time, sku, quantity, total FROM upd)
        ORDER BY order_no
      ) TO ${lit(ordersPath)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"')`);
    await conn.run(`
      COPY (
        SELECT order_no::VARCHAR AS "Order ID", strftime(order_time + INTERVAL 40 MINUTE, '%Y-%m-%d %H:%M:%S') AS "Delivery Time",
               CAST((2000 + hu(order_no, 8) % 148000)::BIGINT * 0.1 AS DECIMAL(18,1)) AS "Distance(m)"
        FROM (SELECT order_no, order_time FROM new_orders
              UNION ALL SELECT order_no, order_time FROM upd WHERE hu(order_no, 9) % 2 = 0)
        ORDER BY order_no
      ) TO ${lit(deliveriesPath)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"')`);
    const resent = Number((await conn.runAndReadAll(`SELECT count(*) FROM upd WHERE hu(order_no, 9) % 2 = 0`)).getRows()[0]![0]);
    const old = Number((await conn.runAndReadAll(`
      SELECT count(*) FROM new_orders
      WHERE time_bucket(INTERVAL '10 days', order_time, TIMESTAMP '1970-01-01')
          < (SELECT time_bucket(INTERVAL '10 days', max(CAST("Order Time" AS TIMESTAMP)), TIMESTAMP '1970-01-01') FROM ${src})`)).getRows()[0]![0]);
    fs.utimesSync(ordersPath, ORDERS_MTIME, ORDERS_MTIME);
    fs.utimesSync(deliveriesPath, DELIVERIES_MTIME, DELIVERIES_MTIME);
    return {
      files: [
        { path: names.orders, rows: newCount + updCount, bytes: fs.statSync(ordersPath).size, mtime: ORDERS_MTIME.toISOString() },
        { path: names.deliveries, rows: newCount + resent, bytes: fs.statSync(deliveriesPath).size, mtime: DELIVERIES_MTIME.toISOString() },
      ],
      newOrders: newCount,
      updatedOrders: updCount,
      newDeliveries: newCount,
      resentDeliveries: resent,
      newOrdersInOldWindows: old,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
