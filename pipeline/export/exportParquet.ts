import fs from 'node:fs';
import path from 'node:path';
import { quotedString } from '@duckdb/node-api';
import { readWarehouseId } from '../warehouse/readWarehouseId.js';
import type { Warehouse } from '../warehouse/Warehouse.js';

export interface ParquetManifest {
  /** The warehouse version (last run id) the snapshot holds. */
  version: number;
  /** Which warehouse (migration V003): versions of another warehouse say nothing. */
  warehouse_id: string | null;
  rows: number;
  partitions: number;
  /** full: every partition written; incremental: only partitions touched since the previous snapshot. */
  mode: 'full' | 'incremental';
  /** Partitions written by this export (the others are hard links to the previous snapshot's files). */
  written: string[];
  written_at: string;
}

const PARTITION = `strftime(start_timestamp, '%Y-%m')`;

function readManifest(file: string): ParquetManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ParquetManifest;
  } catch {
    return undefined;
  }
}

/** Hard-links (or, across devices, copies) every file of `from` into `to`, keeping the tree. */
function linkTree(from: string, to: string, skip: Set<string>): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (skip.has(entry.name) || entry.name.startsWith('_')) continue;
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(dst, { recursive: true });
      linkTree(src, dst, new Set());
    } else {
      try {
        fs.linkSync(src, dst);
      } catch {
        fs.copyFileSync(src, dst);
      }
    }
  }
}

/**
 * Writes `ecommerce` as a Hive-partitioned Parquet snapshot that DuckDB, Spark,
 * Trino and Polars read as one table: `<dir>/ecommerce/window_month=YYYY-MM/*.parquet`
 * plus `<dir>/ecommerce/_manifest.json` (version, row count). Atomic for
 * readers: each snapshot is written into its own folder `.ecommerce-v<N>-<pid>`
 * and `<dir>/ecommerce` is a symlink swapped onto it in one rename; the
 * previous snapshot's folder is kept until the next export (a reader that
 * resolved it keeps reading a whole snapshot).
 *
 * Incremental by watermark when it is safe: the previous snapshot's version is
 * known and not newer than the warehouse, so only partitions with rows or
 * tombstones changed since then are rewritten and the others are hard-linked;
 * otherwise (first export, another or a rebuilt warehouse) every partition is written.
 */
export async function exportParquet(w: Warehouse, dir: string): Promise<ParquetManifest> {
  const root = path.resolve(dir);
  fs.mkdirSync(root, { recursive: true });
  const link = path.join(root, 'ecommerce');
  if (fs.existsSync(link) && !fs.lstatSync(link).isSymbolicLink()) {
    throw new Error(`${link} exists and is not a snapshot link written by this command; move it away first`);
  }
  const version = await w.count('SELECT coalesce(max(run_id), 0) FROM pipeline_runs');
  const previousDir = fs.existsSync(link) ? fs.realpathSync(link) : undefined;
  const previous = previousDir ? readManifest(path.join(previousDir, '_manifest.json')) : undefined;
  const warehouseId = await readWarehouseId(w);
  const incremental =
    previous !== undefined && previous.version <= version && warehouseId !== null && previous.warehouse_id === warehouseId;

  let months: string[];
  if (incremental) {
    months = (await w.all<{ m: string }>(
      `SELECT DISTINCT ${PARTITION} AS m FROM (
         SELECT start_timestamp FROM ecommerce_state WHERE _version > $1
         UNION ALL SELECT start_timestamp FROM ecommerce_tombstones WHERE _version > $1)
       ORDER BY 1`,
      [previous.version],
    )).map((r) => r.m);
  } else {
    months = (await w.all<{ m: string }>(`SELECT DISTINCT ${PARTITION} AS m FROM ecommerce ORDER BY 1`)).map((r) => r.m);
  }

  const next = path.join(root, `.ecommerce-v${version}-${process.pid}-${Date.now()}`);
  fs.mkdirSync(next);
  try {
    if (incremental && previousDir) linkTree(previousDir, next, new Set(months.map((m) => `window_month=${m}`)));
    if (months.length > 0) {
      const staging = path.join(next, '_writing');
      await w.run(
        `COPY (SELECT *, ${PARTITION} AS window_month FROM ecommerce WHERE ${PARTITION} IN (${months.map(quotedString).join(', ')}))
         TO ${quotedString(staging)} (FORMAT parquet, PARTITION_BY (window_month), OVERWRITE_OR_IGNORE)`,
      );
      if (fs.existsSync(staging)) {
        for (const part of fs.readdirSync(staging)) fs.renameSync(path.join(staging, part), path.join(next, part));
        fs.rmSync(staging, { recursive: true, force: true });
      }
    }
    const rows = await w.count('SELECT count(*) FROM ecommerce');
    const partitions = fs.readdirSync(next).filter((n) => n.startsWith('window_month=')).length;
    const manifest: ParquetManifest = {
      version, warehouse_id: warehouseId, rows, partitions, mode: incremental ? 'incremental' : 'full', written: months, written_at: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(next, '_manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // swap: a new symlink renamed over the old one is atomic
    const tmpLink = path.join(root, `.ecommerce-link-${process.pid}`);
    fs.rmSync(tmpLink, { force: true });
    fs.symlinkSync(path.basename(next), tmpLink);
    fs.renameSync(tmpLink, link);
    // keep the previous snapshot (a reader may be in it); drop older ones
    for (const name of fs.readdirSync(root)) {
      const full = path.join(root, name);
      if (name.startsWith('.ecommerce-v') && full !== next && full !== previousDir) fs.rmSync(full, { recursive: true, force: true });
    }
    return manifest;
  } catch (error) {
    fs.rmSync(next, { recursive: true, force: true });
    throw error;
  }
}
