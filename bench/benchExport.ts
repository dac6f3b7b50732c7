/**
 * Postgres export benchmark (`make bench-export`, BENCH_ORDERS=10000000 for the big one).
 *
 * 1. Full build of the generated dataset (child process) into bench/out/export-<N>.duckdb.
 * 2. The ingest floor, measured in this run on the same server: the same rows as a
 *    CSV file (written by DuckDB beforehand, not timed) streamed through
 *    COPY FROM STDIN into an identical empty table with the same primary key.
 * 3. The initial full sync (`runExport`, child process): DuckDB writes the rows,
 *    they stream through COPY, the watermark is written, one transaction.
 * 4. A 1 % delta (bench/makeDelta.ts) applied by an incremental run, then the delta sync.
 *
 * Postgres: BENCH_DATABASE_URL, else the embedded server (data in bench/out/export-pg/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DuckDBInstance } from '@duckdb/node-api';
import { createEcommerceTableSql, ECOMMERCE_COLUMNS, pgIdent } from '../pipeline/export/ecommerceTable.js';
import { startEmbeddedPostgres } from '../pipeline/export/embeddedPostgres.js';
import { ensureDataset, kibToMiB, OUT_DIR, readSettings, removeDuckDb, runChild, runPipelineChild, table, writeJson, type ChildResult } from './benchCommon.js';
import { makeDelta } from './makeDelta.js';

interface ExportChild extends ChildResult {
  mode: string;
  rowsUpserted: number;
  rowsDeleted: number;
  fromVersion: number;
  toVersion: number;
  syncSeconds: number;
}

const s = readSettings();
const data = await ensureDataset(s);
const warehouse = path.join(OUT_DIR, `export-${s.orders}.duckdb`);
removeDuckDb(warehouse);
const build = await runPipelineChild('full build', { dataDir: data.dir, warehouse, memoryLimit: s.memoryLimit, threads: s.threads });
console.log(`full build: ${build.wallSeconds.toFixed(1)} s, ${build.child.resultRows} result rows`);

const pgDir = path.join(OUT_DIR, 'export-pg');
fs.mkdirSync(pgDir, { recursive: true });
fs.chmodSync(OUT_DIR, 0o755);
fs.chmodSync(pgDir, 0o755);
const embedded = process.env.BENCH_DATABASE_URL
  ? undefined
  : await startEmbeddedPostgres(path.join(pgDir, 'wh.duckdb'), { port: Number(process.env.BENCH_PG_PORT ?? 54349) });
const url = process.env.BENCH_DATABASE_URL ?? embedded!.connectionString;
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  for (const schema of ['bench_floor', 'bench_sync']) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);

  // The floor: a plain COPY of the same rows into an identical empty table.
  const csv = path.join(OUT_DIR, `export-${s.orders}-rows.csv`);
  {
    const inst = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
    const c = await inst.connect();
    await c.run(`COPY (SELECT ${ECOMMERCE_COLUMNS.map((x) => `"${x.name}"`).join(', ')} FROM ecommerce_state) TO '${csv}' (FORMAT csv, HEADER false)`);
    c.closeSync();
    inst.closeSync();
  }
  await client.query('CREATE SCHEMA bench_floor');
  await client.query(createEcommerceTableSql('bench_floor.ecommerce'));
  const f0 = performance.now();
  const copy = client.query(copyFrom(`COPY bench_floor.ecommerce (${ECOMMERCE_COLUMNS.map((x) => pgIdent(x.name)).join(', ')}) FROM STDIN WITH (FORMAT csv)`));
  await pipeline(fs.createReadStream(csv, { highWaterMark: 1 << 20 }), copy);
  const floorSeconds = (performance.now() - f0) / 1000;
  const floorRows = Number(copy.rowCount);
  fs.rmSync(csv, { force: true });
  console.log(`floor: plain COPY of ${floorRows} rows in ${floorSeconds.toFixed(2)} s`);

  const initial = await runChild<ExportChild>('initial sync', 'childExport.js', { warehouse, postgres: url, schema: 'bench_sync' });
  const count = Number((await client.query('SELECT count(*) AS n FROM bench_sync.ecommerce')).rows[0].n);
  if (count !== floorRows) throw new Error(`initial sync wrote ${count} rows, expected ${floorRows}`);

  // 1 % delta, applied by an incremental run on the same warehouse (a data dir holding only the delta
  // files: files that are not there any more withdraw nothing).
  const deltaDir = path.join(OUT_DIR, `export-delta-${s.orders}`);
  fs.rmSync(deltaDir, { recursive: true, force: true });
  const delta = await makeDelta({ baseDir: data.dir, outDir: deltaDir, orders: s.orders, customers: s.customers, seed: s.seed });
  const incr = await runPipelineChild('incremental run', { dataDir: deltaDir, warehouse, memoryLimit: s.memoryLimit, threads: s.threads });
  const deltaSync = await runChild<ExportChild>('delta sync', 'childExport.js', { warehouse, postgres: url, schema: 'bench_sync' });

  // Verification: after the delta sync, Postgres holds exactly the warehouse's result.
  const pgAgg = (await client.query(
    `SELECT count(*)::float8 AS n, sum(${pgIdent('Order_Count')})::float8 AS oc, sum(${pgIdent('Total_Order_Amount')})::float8 AS toa FROM bench_sync.ecommerce`,
  )).rows[0] as { n: number; oc: number; toa: number };
  const whAgg = await (async () => {
    const inst = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
    const c = await inst.connect();
    const row = (await c.runAndReadAll('SELECT count(*)::DOUBLE, sum(Order_Count)::DOUBLE, sum(Total_Order_Amount)::DOUBLE FROM ecommerce')).getRows()[0]!;
    c.closeSync();
    inst.closeSync();
    return { n: Number(row[0]), oc: Number(row[1]), toa: Number(row[2]) };
  })();
  const verified = pgAgg.n === whAgg.n && pgAgg.oc === whAgg.oc && Math.abs(pgAgg.toa - whAgg.toa) <= 1e-9 * Math.abs(whAgg.toa);
  console.log(`verification: Postgres ${pgAgg.n} rows, sum(Order_Count) ${pgAgg.oc}; warehouse ${whAgg.n} rows, sum(Order_Count) ${whAgg.oc}: ${verified ? 'MATCH' : 'MISMATCH'}`);
  if (!verified) process.exitCode = 1;

  const ratio = initial.child.syncSeconds / floorSeconds;
  console.log('');
  console.log(table(
    ['step', 'rows', 'sync s (in-process)', 'wall s (process)', 'rows/s', 'peak RSS MiB'],
    [
      ['floor: plain COPY', floorRows, floorSeconds.toFixed(2), '', Math.round(floorRows / floorSeconds), ''],
      ['initial sync', initial.child.rowsUpserted, initial.child.syncSeconds.toFixed(2), initial.wallSeconds.toFixed(2),
        Math.round(initial.child.rowsUpserted / initial.child.syncSeconds), kibToMiB(initial.child.maxRssKiB).toFixed(0)],
      [`delta sync (${deltaSync.child.mode})`, `${deltaSync.child.rowsUpserted} up / ${deltaSync.child.rowsDeleted} del`, deltaSync.child.syncSeconds.toFixed(2),
        deltaSync.wallSeconds.toFixed(2), Math.round(deltaSync.child.rowsUpserted / deltaSync.child.syncSeconds), kibToMiB(deltaSync.child.maxRssKiB).toFixed(0)],
    ],
  ));
  console.log(`initial sync / floor = ${ratio.toFixed(2)} (target <= 1.1); delta sync ${deltaSync.child.syncSeconds.toFixed(2)} s (target <= 2 s)`);
  console.log(`delta: ${delta.newOrders} new + ${delta.updatedOrders} updated orders; incremental run ${incr.wallSeconds.toFixed(2)} s, ${String(incr.child.groupsUpserted)} groups upserted`);
  writeJson(path.join(OUT_DIR, `export-${s.orders}.json`), {
    orders: s.orders, floorRows, floorSeconds, initial, deltaSync, ratio, delta, incremental: incr, verification: { verified, postgres: pgAgg, warehouse: whAgg },
  });
} finally {
  await client.end();
  await embedded?.stop();
}
