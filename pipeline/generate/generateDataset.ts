/**
 * Deterministic test-data generator for the drop folders described in
 * docs/contract.md: Orders and Deliveries CSV (or Parquet) files (three schema versions,
 * some gzip-compressed) and Customers JSON files (pretty array, NDJSON,
 * gzip-compressed array).
 *
 * Every value is a pure function of (seed, row index) computed inside DuckDB
 * (see sqlMacros.ts), so the same options give byte-identical files with the
 * same DuckDB version and zlib build (gzip is Node's, see gzipFile.ts).
 * Files are written under hidden `.name.*` names and
 * renamed into place, then given fixed modification times that follow the
 * arrival order of the plan (see filePlan.ts).
 */
import { mkdir, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '../warehouse/duckdbApi.js';
import { copyQueryToFile } from './copyToFile.js';
import { DELIVERY_VERSIONS, ORDER_VERSIONS } from './csvVersions.js';
import { writeCustomerFile } from './customerFiles.js';
import { DEFAULT_ORDER_FILES, planFiles, type CsvFilePlan, type Dataset, type GenerateFormat } from './filePlan.js';
import { macroStatements } from './sqlMacros.js';

export interface GenerateOptions {
  /** Folder that receives Orders/, Deliveries/ and Customers/. */
  outDir: string;
  /** Number of orders (each gets exactly one delivery row). */
  orders: number;
  /** Number of customers, IDs 1..customers (each order's customer is one of them). */
  customers: number;
  seed: number;
  /** Number of order files, and of delivery files (default 5). Versions v1..v3 split them in thirds. */
  files?: number;
  /** csv (default), parquet (typed Parquet orders and deliveries), or mixed (the last deliveries file Parquet). */
  format?: GenerateFormat;
}

export interface GenerateReport {
  /** In arrival order (the order of their modification times). */
  files: { path: string; dataset: Dataset; rows: number; bytes: number }[];
  orders: number;
  customers: number;
  seconds: number;
}

/** Modification time of the first file; each next file is one minute later. */
const FIRST_MTIME_MS = Date.UTC(2025, 0, 1, 0, 0, 0);

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
}

function csvQuery(plan: CsvFilePlan): string {
  const columns = (plan.dataset === 'Orders' ? ORDER_VERSIONS : DELIVERY_VERSIONS)[plan.version];
  // Parquet keeps types: the producer's time text becomes a TIMESTAMP column.
  const expr = (c: { name: string; sql: string }) => (plan.parquet && / Time$/.test(c.name) ? `CAST(${c.sql} AS TIMESTAMP)` : c.sql);
  const select = columns.map((c) => `${expr(c)} AS "${c.name}"`).join(', ');
  return `SELECT ${select} FROM order_index WHERE i >= ${plan.from} AND i < ${plan.to}`;
}

export async function generateDataset(opts: GenerateOptions): Promise<GenerateReport> {
  const started = performance.now();
  const files = opts.files ?? DEFAULT_ORDER_FILES;
  checkInteger('orders', opts.orders, 0);
  checkInteger('customers', opts.customers, 1);
  checkInteger('seed', opts.seed, Number.MIN_SAFE_INTEGER);
  checkInteger('files', files, 1);

  const outDir = path.resolve(opts.outDir);
  for (const dataset of ['Orders', 'Deliveries', 'Customers'] as const) {
    await mkdir(path.join(outDir, dataset), { recursive: true });
  }

  const plan = planFiles(opts.orders, opts.customers, files, opts.format);
  const report: GenerateReport = { files: [], orders: opts.orders, customers: opts.customers, seconds: 0 };

  // Background gzip jobs; always waited for, even when a later file fails.
  const pending: Promise<void>[] = [];
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    // Keeps COPY output in range() order regardless of the thread count.
    await conn.run('SET preserve_insertion_order = true');
    for (const stmt of macroStatements({ seed: opts.seed, orders: opts.orders, customers: opts.customers })) {
      await conn.run(stmt);
    }
    // A materialised index scans in parallel; range() feeds a single thread.
    await conn.run(`CREATE TABLE order_index AS SELECT range AS i FROM range(0, ${opts.orders})`);
    for (const [seq, file] of plan.entries()) {
      const finalPath = path.join(outDir, ...file.relPath.split('/'));
      const write = file.kind === 'csv'
        ? await copyQueryToFile(conn, csvQuery(file), finalPath, file.parquet ? 'FORMAT parquet' : `FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"'`, file.gzip)
        : await writeCustomerFile(conn, file, finalPath);
      const entry = { path: finalPath, dataset: file.dataset, rows: file.to - file.from, bytes: 0 };
      report.files.push(entry);
      const done = write.finished.then(async () => {
        const mtime = new Date(FIRST_MTIME_MS + seq * 60_000);
        await utimes(finalPath, mtime, mtime);
        entry.bytes = (await stat(finalPath)).size;
      });
      done.catch(() => undefined);
      pending.push(done);
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
    await Promise.allSettled(pending);
  }
  await Promise.all(pending); // all settled by now: rethrows a background failure

  report.seconds = (performance.now() - started) / 1000;
  return report;
}
