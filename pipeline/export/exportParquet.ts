import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { quotedIdentifier, quotedString } from '../warehouse/duckdbApi.js';
import { ECOMMERCE_COLUMNS } from '../contract/ecommerceColumns.js';
import { PipelineError } from '../errors/PipelineError.js';
import { readWarehouseId } from '../warehouse/readWarehouseId.js';
import { withWarehouse, type Warehouse, type WarehouseOptions } from '../warehouse/Warehouse.js';
import { withParquetLock } from './parquetLock.js';
import { readJson, readRecords, settlePending, writeJsonAtomic, writeRecords } from './parquetRecords.js';

/** One month of a snapshot: its rows and a fingerprint of their content (sum of the rows' hashes). */
export interface ParquetMonth {
  month: string;
  rows: number;
  fingerprint: string;
}

export interface ParquetManifest {
  /** The warehouse version (last run id) the snapshot holds. */
  version: number;
  /** Which warehouse (migration V003): versions of another warehouse say nothing. */
  warehouse_id: string | null;
  /**
   * The snapshot's own folder, relative to the export folder: it never changes
   * once written, and stays until PARQUET_SNAPSHOTS_KEPT newer ones exist.
   * Readers read `<dir>/<snapshot>/**\/*.parquet`.
   */
  snapshot: string;
  rows: number;
  partitions: number;
  /** full: every partition written; incremental: only partitions whose content changed since the previous snapshot. */
  mode: 'full' | 'incremental';
  /** Partitions written by this export (the others are hard links to the previous snapshot's files). */
  written: string[];
  /** Per month: rows and content fingerprint (what the next export compares with the warehouse). */
  months: ParquetMonth[];
  /** The snapshot's data files, relative to its folder. */
  files: string[];
  written_at: string;
}

/** Snapshot folders kept (the current one and the ones before it) for readers that are still reading them. */
export const PARQUET_SNAPSHOTS_KEPT = 3;

const LINK = 'ecommerce';
export const PARQUET_LOCK = '.ecommerce.lock';
const TMP_LINK = '.ecommerce.link.tmp';
/** An empty snapshot still reads as a table with the right columns: one empty file in the Hive null partition. */
export const EMPTY_PARTITION = 'window_month=__HIVE_DEFAULT_PARTITION__';

const PARTITION = `strftime(start_timestamp, '%Y-%m')`;
const ROW_HASH = `hash(${ECOMMERCE_COLUMNS.map((c) => quotedIdentifier(c.name)).join(', ')})`;

/** The folder the link names (a plain name inside root), if it is one. */
function linkTarget(root: string): string | undefined {
  const link = path.join(root, LINK);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(link);
  } catch {
    return undefined;
  }
  if (!stat.isSymbolicLink()) {
    throw new PipelineError('USAGE', `${link} exists and is not a snapshot link written by this command; move it away first`);
  }
  const target = fs.readlinkSync(link);
  return target === path.basename(target) && fs.existsSync(path.join(root, target)) ? target : undefined;
}

/** Hard-links (or, across devices, copies) the files of one partition folder. */
function linkPartition(from: string, to: string): void {
  fs.mkdirSync(to);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    try {
      fs.linkSync(path.join(from, entry.name), path.join(to, entry.name));
    } catch {
      fs.copyFileSync(path.join(from, entry.name), path.join(to, entry.name));
    }
  }
}

function dataFiles(snapshotDir: string): string[] {
  const files: string[] = [];
  for (const part of fs.readdirSync(snapshotDir).filter((n) => n.startsWith('window_month=')).sort()) {
    for (const f of fs.readdirSync(path.join(snapshotDir, part)).sort()) if (f.endsWith('.parquet')) files.push(`${part}/${f}`);
  }
  return files;
}

export interface ParquetExportOptions {
  /** How to open the warehouse (read-only is forced). */
  warehouse: WarehouseOptions;
  /** How long to wait for another export of the same folder. */
  lockWaitMs: number;
  onWait?: (message: string) => void;
}

/**
 * `export --parquet DIR`: takes the folder's lock (exports into one folder take
 * turns), opens the warehouse read-only and writes a snapshot (exportParquet).
 * `dir` must exist (prepareParquetTarget).
 */
export async function exportParquetSnapshot(dir: string, options: ParquetExportOptions): Promise<ParquetManifest> {
  const root = path.resolve(dir);
  return withParquetLock(path.join(root, PARQUET_LOCK), { waitMs: options.lockWaitMs, onWait: options.onWait }, () =>
    withWarehouse({ ...options.warehouse, readOnly: true }, (w) => exportParquet(w, root)),
  );
}

/**
 * Writes `ecommerce` as a Hive-partitioned Parquet snapshot that DuckDB, Spark,
 * Trino and Polars read as one table. Each snapshot is a folder of its own,
 * `<dir>/.ecommerce-v<N>-<pid>-<id>/window_month=YYYY-MM/*.parquet` plus
 * `_manifest.json`, never changed after it is written; `<dir>/ecommerce` is a
 * symlink swapped onto the newest in one rename. A reader reads the manifest
 * through the link (one open: one snapshot) and then the folder it names —
 * globbing through the link instead resolves it once per file and can mix two
 * snapshots while an export swaps it. The last PARQUET_SNAPSHOTS_KEPT snapshot
 * folders are kept for readers still in them; older ones are removed, by the
 * exact names in `<dir>/.ecommerce-exports.json` (nothing else in the folder is
 * touched). The caller holds the folder's lock (exportParquetSnapshot).
 *
 * Incremental when the previous snapshot is of this warehouse and not newer:
 * the manifest keeps each month's row count and content fingerprint; a month
 * whose count or fingerprint differs from the warehouse's now is rewritten, an
 * equal one hard-linked, a month with no rows left dropped — so rows removed
 * without a tombstone (an undone first build, a hand DELETE) leave the lake too.
 * Otherwise (first export, another or a rebuilt warehouse) everything is written.
 * An empty result is one empty file with the columns (EMPTY_PARTITION).
 */
export async function exportParquet(w: Warehouse, dir: string): Promise<ParquetManifest> {
  const root = path.resolve(dir);
  const current = linkTarget(root);
  const records = readRecords(root, current);
  settlePending(root, records, current);

  const version = await w.count('SELECT coalesce(max(run_id), 0) FROM pipeline_runs');
  const warehouseId = await readWarehouseId(w);
  const previous = current ? readJson<ParquetManifest>(path.join(root, current, '_manifest.json')) : undefined;
  const incremental =
    previous !== undefined && Array.isArray(previous.months) && previous.version <= version && warehouseId !== null && previous.warehouse_id === warehouseId;

  const months = (await w.all<{ month: string; rows: bigint | number; fingerprint: string }>(
    // grouped by date_trunc, formatted per group: strftime on every row cost as much as the hashing
    `SELECT strftime(m, '%Y-%m') AS month, rows, fingerprint::VARCHAR AS fingerprint
     FROM (SELECT date_trunc('month', start_timestamp) AS m, count(*) AS rows, sum(${ROW_HASH}) AS fingerprint FROM ecommerce GROUP BY ALL)
     ORDER BY month`,
  )).map((m): ParquetMonth => ({ month: m.month, rows: Number(m.rows), fingerprint: m.fingerprint }));
  const before = new Map((incremental ? previous.months : []).map((m) => [m.month, m]));
  const same = (m: ParquetMonth) => before.get(m.month)?.rows === m.rows && before.get(m.month)?.fingerprint === m.fingerprint;
  const write = months.filter((m) => !same(m)).map((m) => m.month);
  const keep = months.filter(same).map((m) => m.month);

  const name = `.ecommerce-v${version}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const next = path.join(root, name);
  records.pending.push(name);
  writeRecords(root, records);
  fs.mkdirSync(next);
  let swapped = false;
  try {
    for (const m of keep) linkPartition(path.join(root, current!, `window_month=${m}`), path.join(next, `window_month=${m}`));
    if (write.length > 0) {
      const staging = path.join(next, '_writing');
      const where = incremental ? `WHERE ${PARTITION} IN (${write.map(quotedString).join(', ')})` : '';
      await w.run(
        `COPY (SELECT *, ${PARTITION} AS window_month FROM ecommerce ${where})
         TO ${quotedString(staging)} (FORMAT parquet, PARTITION_BY (window_month))`,
      );
      for (const part of fs.readdirSync(staging)) fs.renameSync(path.join(staging, part), path.join(next, part));
      fs.rmdirSync(staging);
    }
    if (months.length === 0) {
      fs.mkdirSync(path.join(next, EMPTY_PARTITION));
      await w.run(`COPY (SELECT * FROM ecommerce LIMIT 0) TO ${quotedString(path.join(next, EMPTY_PARTITION, 'data_0.parquet'))} (FORMAT parquet)`);
    }
    const manifest: ParquetManifest = {
      version,
      warehouse_id: warehouseId,
      snapshot: name,
      rows: months.reduce((n, m) => n + m.rows, 0),
      partitions: months.length,
      mode: incremental ? 'incremental' : 'full',
      written: write,
      months,
      files: dataFiles(next),
      written_at: new Date().toISOString(),
    };
    writeJsonAtomic(path.join(next, '_manifest.json'), manifest);
    // swap: a new symlink renamed over the old one is atomic
    const tmpLink = path.join(root, TMP_LINK);
    fs.rmSync(tmpLink, { force: true });
    fs.symlinkSync(name, tmpLink);
    fs.renameSync(tmpLink, path.join(root, LINK));
    swapped = true;
    records.pending = records.pending.filter((p) => p !== name);
    records.snapshots.push(name);
    // keep the newest snapshots (readers may be in them); remove older ones this command wrote
    const drop = records.snapshots.slice(0, Math.max(0, records.snapshots.length - PARQUET_SNAPSHOTS_KEPT));
    records.snapshots = records.snapshots.slice(drop.length);
    writeRecords(root, records);
    for (const old of drop) fs.rmSync(path.join(root, old), { recursive: true, force: true });
    return manifest;
  } catch (error) {
    if (swapped) throw error; // the link names it: the next export settles the records
    fs.rmSync(next, { recursive: true, force: true });
    records.pending = records.pending.filter((p) => p !== name);
    try {
      writeRecords(root, records);
    } catch {
      // the next export removes it (still pending in the records)
    }
    throw error;
  }
}
