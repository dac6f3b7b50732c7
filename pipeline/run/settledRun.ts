import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineConfig } from '../config/loadConfig.js';
import { scanDropFolders, type DroppedFile } from '../ingest/scanDropFolders.js';
import { profileMarks } from '../progress/profileMarks.js';
import { corruptionMarkerPath } from '../warehouse/corruptionMarker.js';
import { SqlSnapshot, sqlDir } from '../warehouse/sqlFiles.js';
import { sameFingerprint, warehouseFingerprint, type WarehouseFingerprint } from '../warehouse/warehouseFingerprint.js';
import { buildRunReport, type RunReport } from './runReport.js';

/**
 * The no-op check of `run` without opening DuckDB (issue 18: a no-op run on
 * 10M orders spent 0.3-0.6 s opening the warehouse, replaying its WAL and
 * reading the ledger, to find what the file system already says).
 *
 * After a run that ended clean (no warning, nothing waiting, nothing
 * unreadable), `<warehouse>.settled.json` records what that run saw and left:
 * the drop folders' listing (path, size, mtime, ctime of every file it took),
 * the warehouse files' fingerprint taken while the run still held them and
 * again after its close (warehouseFingerprint.ts), the SQL folder, the
 * window, the data folder and this program's own file, and the result's row
 * count. The next `run` whose every one of those is the same has nothing to
 * do by the ledger's own rule (same path, size and mtime: unchanged), and says
 * so from the record. Anything else — a new, touched, chmod-ed or removed
 * file, any committed write to the warehouse by any command (sql --write,
 * retract, rebuild, a run of another engine version), edited SQL, another
 * window, a corruption finding, a warehouse that cannot be written — takes the full path, which opens the
 * warehouse as before and writes a new record. Deleting the record is always
 * safe: the next run checks the warehouse.
 */
interface SettledRecord {
  format: 1;
  /** sha256 of what must be the same for the record to hold (settledKey). */
  key: string;
  /** sha256 of the listing (listingHash). */
  listing: string;
  warehouse: WarehouseFingerprint;
  filesSeen: number;
  resultRows: number;
  writtenAt: string;
}

export function settledRecordPath(warehousePath: string): string {
  return `${warehousePath}.settled.json`;
}

/** This program's code: the file this module is in (dist/ or the CLI bundle), as built. */
function codeIdentity(): string {
  const s = fs.statSync(fileURLToPath(import.meta.url), { bigint: true });
  return `${s.ino}:${s.size}:${s.mtimeNs}`;
}

/** The SQL folder and the checksums of its files as one snapshot read them. */
function sqlIdentity(sql: SqlSnapshot): string {
  const hash = crypto.createHash('sha256').update(sqlDir());
  for (const f of [...sql.files, ...sql.engineFiles]) hash.update(`\0${f.name}\0${f.checksum}`);
  return hash.digest('hex');
}

/** `sql`: the snapshot a run executed (recording), or the folder as it is now (checking). */
function settledKey(config: PipelineConfig, sql: SqlSnapshot): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([codeIdentity(), sqlIdentity(sql), config.window, path.resolve(config.dataDir), path.resolve(config.warehousePath)]))
    .digest('hex');
}

function listingHash(files: DroppedFile[]): string {
  const hash = crypto.createHash('sha256');
  for (const f of files) hash.update(`${JSON.stringify([f.path, f.size, f.mtimeMs, f.ctimeMs ?? null])}\n`);
  return hash.digest('hex');
}

/** Conditions on the run itself: a plain `run` of the DuckDB engine, no archive, no settle window (watch). */
export interface SettledCandidate {
  kind: RunReport['kind'];
  archive?: boolean;
  settleMs?: number;
}

export function mayUseSettledRecord(config: PipelineConfig, run: SettledCandidate): boolean {
  return run.kind === 'run' && !run.archive && !run.settleMs && config.engine !== 'spark' && process.env.PIPELINE_SETTLED_CHECK !== '0';
}

/**
 * The report of a run with nothing to do, when the record says so; undefined
 * when the warehouse must be opened (no record, anything differs, any error).
 */
export function settledRunReport(config: PipelineConfig, started: number): RunReport | undefined {
  const mark = profileMarks('run');
  try {
    const file = settledRecordPath(config.warehousePath);
    if (fs.existsSync(corruptionMarkerPath(config.warehousePath))) return undefined;
    // A warehouse that could not be written (read-only mount, permissions) is said at once, as a full check says it.
    fs.accessSync(config.warehousePath, fs.constants.W_OK);
    fs.accessSync(path.dirname(config.warehousePath), fs.constants.W_OK);
    let record: SettledRecord;
    try {
      record = JSON.parse(fs.readFileSync(file, 'utf8')) as SettledRecord;
    } catch {
      return undefined;
    }
    if (record.format !== 1 || !sameFingerprint(record.warehouse, warehouseFingerprint(config.warehousePath))) return undefined;
    if (record.key !== settledKey(config, SqlSnapshot.read())) return undefined;
    const scan = scanDropFolders(config.dataDir);
    if (scan.files.length !== record.filesSeen || listingHash(scan.files) !== record.listing) return undefined;
    mark(`listed ${scan.files.length} files: the same files as the last run saw, the warehouse as it left it (${path.basename(file)})`);
    // the report of the full check's no-op: every file unchanged, nothing applied
    const arrivals = { scan: { ...scan, fromArchive: 0 }, waiting: [], plan: { newVersions: [], touched: [], unchanged: scan.files.length }, warnings: [] };
    return buildRunReport({ kind: 'run', arrivals, result: undefined, filesArchived: 0, resultRows: record.resultRows, rebuildReason: undefined, warnings: [], started });
  } catch {
    return undefined;
  }
}

/** Removes the record (after a run that leaves none). A record left by a crash cannot hold: any commit changes the warehouse's fingerprint. */
export function forgetSettledRecord(warehousePath: string): void {
  try {
    fs.rmSync(settledRecordPath(warehousePath), { force: true });
  } catch {
    // a record that cannot be removed cannot match either: the warehouse fingerprint differs after any write
  }
}

/**
 * Writes the record after a clean run (best effort: a read-only folder or a
 * full disk keeps none, and the next run checks the warehouse). `files`: the
 * listing the run took, as the ledger now knows it; `sql`: the SQL it executed
 * (an edit made during the run does not count as applied).
 */
export function recordSettledRun(
  config: PipelineConfig,
  files: DroppedFile[],
  resultRows: number,
  warehouse: WarehouseFingerprint,
  sql: SqlSnapshot,
): void {
  const file = settledRecordPath(config.warehousePath);
  const partial = `${file}.${process.pid}.part`;
  try {
    const record: SettledRecord = {
      format: 1,
      key: settledKey(config, sql),
      listing: listingHash(files),
      warehouse,
      filesSeen: files.length,
      resultRows,
      writtenAt: new Date().toISOString(),
    };
    fs.writeFileSync(partial, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(partial, file);
  } catch {
    forgetSettledRecord(config.warehousePath);
  } finally {
    fs.rmSync(partial, { force: true });
  }
}
