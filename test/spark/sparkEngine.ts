import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '../../pipeline/config/loadConfig.js';
import { pinCommitted } from '../../pipeline/engine/spark/pinCommitted.js';
import { withLake } from '../../pipeline/engine/spark/SparkLake.js';
import { runPipeline } from '../../pipeline/run/runPipeline.js';
import { withWarehouse } from '../../pipeline/warehouse/Warehouse.js';
import { loadEmbeddedPostgres } from '../../pipeline/export/embeddedPostgres.js';
import { freePort } from '../support/embeddedServer.js';
import { diffEcommerce, ROOT } from '../support/fixtures.js';
import { spawnCli } from '../support/spawnCli.js';

/** The same query on both engines: timestamps as text (the Spark client's Date is milliseconds only). */
const ECOMMERCE = `
  SELECT Customer_ID, Total_Order_Amount, Average_Order_Amount, Order_Count, Highest_Order_Amount, Lowest_Order_Amount,
         Total_Quantity_Ordered, Average_Quantity_Per_Ordered, Total_Delivery_Distance, Average_Delivery_Distance,
         Distict_Products, CAST(start_timestamp AS STRING) AS start_timestamp, CAST(end_timestamp AS STRING) AS end_timestamp
  FROM ecommerce ORDER BY Customer_ID, start_timestamp`;

function plain(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

export interface EngineWorkspace {
  root: string;
  dataDir: string;
  lake: string;
  warehouse: string;
  remote: string;
}

/** The sample's first file of each dataset (a quick workspace for the kill tests). */
const SMALL_SAMPLE = ['Orders/orders_2024_01.csv', 'Deliveries/deliveries_2024_01.csv', 'Customers/customers_export_2023-12.json'];

export function engineWorkspace(root: string, remote: string, sample: 'all' | 'small' | 'none'): EngineWorkspace {
  const dataDir = path.join(root, 'data');
  if (sample === 'all') fs.cpSync(path.join(ROOT, 'data'), dataDir, { recursive: true, preserveTimestamps: true });
  if (sample === 'small') {
    for (const rel of SMALL_SAMPLE) {
      fs.mkdirSync(path.dirname(path.join(dataDir, rel)), { recursive: true });
      fs.cpSync(path.join(ROOT, 'data', rel), path.join(dataDir, rel), { preserveTimestamps: true });
    }
  }
  for (const d of ['Orders', 'Deliveries', 'Customers']) fs.mkdirSync(path.join(dataDir, d), { recursive: true });
  return { root, dataDir, lake: path.join(root, 'lake'), warehouse: path.join(root, 'warehouse', 'ecommerce.duckdb'), remote };
}

export function sparkArgs(ws: EngineWorkspace): string[] {
  return ['--engine', 'spark', '--spark-remote', ws.remote, '--lake', ws.lake, '--data', ws.dataDir];
}

/** `pipeline <command> --engine spark …` as a real child process. */
export async function sparkCli(ws: EngineWorkspace, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = await spawnCli([...args, ...sparkArgs(ws)], env).done;
  return r;
}

export async function duckdbRun(ws: EngineWorkspace, options: { retract?: string } = {}) {
  const config = loadConfig({ data: ws.dataDir, warehouse: ws.warehouse, threads: 2 }, {});
  return runPipeline(config, options);
}

export async function duckdbEcommerce(warehouse: string): Promise<Record<string, unknown>[]> {
  return withWarehouse({ path: warehouse, readOnly: true }, async (w) => plain(await w.all(ECOMMERCE)));
}

/** ecommerce as a reader sees it (the lake's tables as of the last committed run), with the ledger's accounting. */
export async function sparkEcommerceAndAccounting(ws: Pick<EngineWorkspace, 'remote' | 'lake'>) {
  return withLake({ sparkRemote: ws.remote, lake: ws.lake }, { readOnly: true }, async (l) => {
    await pinCommitted(l);
    const ecommerce = plain(await l.all(ECOMMERCE));
    // read = loaded + rejected for every file of the ledger, and the raw tables hold exactly the loaded rows
    const r = await l.one<{ loaded: bigint; raw: bigint; bad: bigint }>(`
      SELECT (SELECT coalesce(sum(rows_loaded), 0) FROM pipeline_files WHERE status = 'loaded') AS loaded,
             (SELECT count(*) FROM raw_orders) + (SELECT count(*) FROM raw_deliveries) + (SELECT count(*) FROM raw_customers) AS raw,
             (SELECT count(*) FROM pipeline_files WHERE rows_read <> rows_loaded + rows_rejected) AS bad`);
    return { ecommerce, accounting: { ledgerLoaded: Number(r?.loaded), rawRows: Number(r?.raw), badFiles: Number(r?.bad) } };
  });
}

export async function sparkEcommerce(ws: Pick<EngineWorkspace, 'remote' | 'lake'>): Promise<Record<string, unknown>[]> {
  return (await sparkEcommerceAndAccounting(ws)).ecommerce;
}

/** Spark's ecommerce equals DuckDB's (floats to the tolerance the suites use; FLOAT columns to float32). */
export async function expectSameResult(ws: EngineWorkspace, label: string): Promise<number> {
  const duck = await duckdbEcommerce(ws.warehouse);
  const { ecommerce: spark, accounting: acc } = await sparkEcommerceAndAccounting(ws);
  expect(diffEcommerce(duck, spark), label).toEqual([]);
  expect(acc.badFiles, `${label}: read = loaded + rejected`).toBe(0);
  expect(acc.rawRows, `${label}: raw rows = rows the ledger says were loaded`).toBe(acc.ledgerLoaded);
  return duck.length;
}

/** A real Postgres for the Spark tier: TEST_DATABASE_URL when given, else an embedded server in `tmp` (stop() it). */
export async function startTestPostgres(tmp: string): Promise<{ url: string; stop(): Promise<void> }> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) return { url: given, stop: async () => undefined };
  const dir = path.join(tmp, 'pg');
  fs.mkdirSync(dir);
  fs.chmodSync(tmp, 0o755);
  fs.chmodSync(dir, 0o755); // the postgres system user must reach its data directory
  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const s = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'test-secret',
    persistent: false,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await s.initialise();
  await s.start();
  return { url: `postgres://postgres:test-secret@127.0.0.1:${port}/postgres`, stop: () => s.stop() };
}
