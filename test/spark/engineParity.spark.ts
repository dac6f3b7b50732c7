import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, quotedString } from '@duckdb/node-api';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { diffEcommerce } from '../support/fixtures.js';
import { readPgEcommerce } from '../support/postgres.js';
import { rng, randomCustomersJson, randomDeliveriesCsv, randomOrdersCsv } from '../support/randomDrops.js';
import { spawnCli } from '../support/spawnCli.js';
import {
  duckdbRun, engineWorkspace, expectSameResult, sparkCli, startTestPostgres, type EngineWorkspace,
} from './sparkEngine.js';

const remote = inject('sparkRemote');
const roots: string[] = [];
let postgres: { url: string; stop(): Promise<void> } | undefined;
afterAll(async () => {
  await postgres?.stop().catch(() => undefined);
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

/** Both engines write a Parquet snapshot (export --parquet); read back with DuckDB, the two agree. */
async function expectSameParquet(ws: EngineWorkspace, label: string): Promise<void> {
  const dirs = { spark: path.join(ws.root, 'parquet-spark'), duckdb: path.join(ws.root, 'parquet-duckdb') };
  const spark = await sparkCli(ws, ['export', '--json', '--parquet', dirs.spark]);
  expect(spark.code, `${label}: spark export --parquet\n${spark.stderr}`).toBe(0);
  const duck = await spawnCli(['export', '--json', '--data', ws.dataDir, '--warehouse', ws.warehouse, '--parquet', dirs.duckdb]).done;
  expect(duck.code, `${label}: duckdb export --parquet\n${duck.stderr}`).toBe(0);
  expect(JSON.parse(spark.stdout).rows).toBe(JSON.parse(duck.stdout).rows);
  const read = async (dir: string) => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const reader = await c.runAndReadAll(
      `SELECT * EXCLUDE (window_month) REPLACE (CAST(start_timestamp AS VARCHAR) AS start_timestamp, CAST(end_timestamp AS VARCHAR) AS end_timestamp)
       FROM read_parquet(${quotedString(`${dir}/ecommerce/**/*.parquet`)}, hive_partitioning = true) ORDER BY Customer_ID, start_timestamp`,
    );
    const rows = reader.getRowObjects().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
    c.closeSync();
    return rows;
  };
  expect(diffEcommerce(await read(dirs.duckdb), await read(dirs.spark)), `${label}: Parquet snapshots agree`).toEqual([]);
  log(`${label}: Parquet snapshots agree`);
}

/** Both engines export to their own schema of one Postgres; the two tables must agree. */
async function expectSamePostgres(ws: EngineWorkspace, label: string): Promise<void> {
  postgres ??= await startTestPostgres(fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-engines-pg-')));
  const spark = await sparkCli(ws, ['export', '--json', '--postgres', postgres.url, '--pg-schema', 'from_spark'], { PIPELINE_EXPORT: '1' });
  expect(spark.code, `${label}: spark export\n${spark.stderr}`).toBe(0);
  const duck = await spawnCli(['export', '--json', '--data', ws.dataDir, '--warehouse', ws.warehouse, '--postgres', postgres.url, '--pg-schema', 'from_duckdb'], { PIPELINE_EXPORT: '1' }).done;
  expect(duck.code, `${label}: duckdb export\n${duck.stderr}`).toBe(0);
  const [fromDuck, fromSpark] = [await readPgEcommerce('from_duckdb', postgres.url), await readPgEcommerce('from_spark', postgres.url)];
  expect(fromSpark.length, label).toBeGreaterThan(0);
  expect(diffEcommerce(fromDuck, fromSpark), `${label}: Postgres fed by spark == Postgres fed by duckdb`).toEqual([]);
  log(`${label}: Postgres tables agree (${fromSpark.length} rows)`);
}

function workspace(sample: boolean): EngineWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-engines-'));
  roots.push(root);
  return engineWorkspace(root, remote, sample ? 'all' : 'none');
}

let mtime = 1_750_000_000;
function drop(ws: EngineWorkspace, rel: string, content: string): void {
  const file = path.join(ws.dataDir, rel);
  fs.writeFileSync(file, content);
  mtime += 60;
  fs.utimesSync(file, mtime, mtime);
}

const t0 = Date.now();
const log = (what: string) => console.log(`[engine parity +${((Date.now() - t0) / 1000).toFixed(0)}s] ${what}`);

async function bothRun(ws: EngineWorkspace, label: string): Promise<number> {
  const spark = await sparkCli(ws, ['run', '--json']);
  log(`${label}: spark run ${(spark.ms / 1000).toFixed(1)}s`);
  expect(spark.code, `${label}: spark run\n${spark.stderr}`).toBe(0);
  await duckdbRun(ws);
  return expectSameResult(ws, label);
}

describe('the spark engine gives DuckDB’s ecommerce at every step (2-worker standalone cluster, Delta lake)', () => {
  it('sample data, then random drops (new files, late deliveries and customers, a rewritten file, bad rows), a retract, a no-op', async () => {
    const ws = workspace(true);
    const groups = await bothRun(ws, 'sample data');
    expect(groups).toBeGreaterThan(4000);
    await expectSamePostgres(ws, 'sample data (initial copy)');
    await expectSameParquet(ws, 'sample data');

    const r = rng(1701);
    // Small files with repeating keys, late rows for old windows, bad values and wrong field counts (randomDrops.ts).
    drop(ws, 'Orders/r1.csv', randomOrdersCsv(r));
    drop(ws, 'Deliveries/r1.csv', randomDeliveriesCsv(r));
    drop(ws, 'Customers/r1.json', randomCustomersJson(r));
    drop(ws, 'Deliveries/r2.csv', randomDeliveriesCsv(r));
    // rewritten: a sample file's new version (the old version's rows are withdrawn)
    drop(ws, 'Orders/orders_2024_01.csv', randomOrdersCsv(r));
    await bothRun(ws, 'new orders, late deliveries and customers, a rewritten file');

    const retract = await sparkCli(ws, ['retract', 'Deliveries/r1.csv', '--json']);
    expect(retract.code, retract.stderr).toBe(0);
    await duckdbRun(ws, { retract: 'Deliveries/r1.csv' });
    await expectSameResult(ws, 'after retract');
    await expectSamePostgres(ws, 'after the drops and the retract (incremental sync with deletions)');

    // a no-op run changes nothing and says so
    const noop = await sparkCli(ws, ['run', '--json']);
    expect(noop.code, noop.stderr).toBe(0);
    expect(JSON.parse(noop.stdout).changed).toBe(false);
    log(`no-op run ${(noop.ms / 1000).toFixed(1)}s`);
  }, 1_800_000);
});
