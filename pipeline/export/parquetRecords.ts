import fs from 'node:fs';
import path from 'node:path';

/**
 * The Parquet exporter's own record of the snapshot folders it wrote,
 * `<dir>/.ecommerce-exports.json`: clean-up removes only the folders named
 * there, by exact name — never by a name pattern, which once took a user's
 * `.ecommerce-v-mybackup/` along.
 */
const RECORDS = '.ecommerce-exports.json';

export interface ExportRecords {
  /** Snapshot folders this exporter completed, oldest first (the last is the one the link names). */
  snapshots: string[];
  /** Folders an export started and did not finish (killed): removed by the next export. */
  pending: string[];
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** How this command names snapshot folders (exportParquet): `.ecommerce-v<version>-<pid>-<id>`. */
const SNAPSHOT_NAME = /^\.ecommerce-v\d+-\d+-/;

export function readRecords(root: string, current: string | undefined): ExportRecords {
  const records = readJson<ExportRecords>(path.join(root, RECORDS));
  if (records && Array.isArray(records.snapshots) && Array.isArray(records.pending)) {
    // only names this command gives its folders (a hand-edited record cannot point elsewhere)
    const ours = (n: unknown): n is string => typeof n === 'string' && n === path.basename(n) && SNAPSHOT_NAME.test(n);
    return { snapshots: records.snapshots.filter(ours), pending: records.pending.filter(ours) };
  }
  // A folder from before the records: the one the link names is this command's (older ones are left alone).
  return { snapshots: current && SNAPSHOT_NAME.test(current) ? [current] : [], pending: [] };
}

/**
 * Finishes the records after a killed export: a pending folder the link names
 * was completed (killed after the swap), any other pending one is removed.
 */
export function settlePending(root: string, records: ExportRecords, current: string | undefined): void {
  for (const name of records.pending) {
    if (name === current) {
      if (!records.snapshots.includes(name)) records.snapshots.push(name);
    } else {
      fs.rmSync(path.join(root, name), { recursive: true, force: true });
    }
  }
  records.pending = [];
}

export function writeRecords(root: string, records: ExportRecords): void {
  writeJsonAtomic(path.join(root, RECORDS), records);
}
