import path from 'node:path';
import { scanDropFolders, type ScanResult } from './scanDropFolders.js';

/** <data>/archive: where `run --archive` moves loaded files, as <data>/archive/<Dataset>/<name>. */
export function archiveDir(dataDir: string): string {
  return path.join(dataDir, 'archive');
}

/**
 * The scan of a run on a fresh warehouse (first run, or recovery after a
 * corrupt one was moved aside): the drop folders plus the files `run
 * --archive` moved to <data>/archive/<Dataset>/, under their drop-folder path
 * (Orders/x.csv), so the ledger looks as if they had never moved. A file of the
 * same name still (or again) in the drop folder is the newer version and wins.
 * Applied like any batch: by modification time (arrival order), then path.
 */
export function scanWithArchive(dataDir: string): ScanResult & { fromArchive: number } {
  const dropped = scanDropFolders(dataDir);
  const archived = scanDropFolders(archiveDir(dataDir));
  const inDropFolder = new Set(dropped.files.map((f) => f.path));
  const extra = archived.files.filter((f) => !inDropFolder.has(f.path));
  const files = [...dropped.files, ...extra].sort(
    (a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  return { files, ignored: dropped.ignored, fromArchive: extra.length };
}
