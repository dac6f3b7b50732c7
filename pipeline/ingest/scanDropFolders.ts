import fs from 'node:fs';
import path from 'node:path';
import { DATASET_LIST, type DatasetName } from './datasets.js';

export interface DroppedFile {
  /** Relative to the data dir, with forward slashes: "Orders/orders_2024_01.csv". */
  path: string;
  absPath: string;
  dataset: DatasetName;
  size: number;
  mtimeMs: number;
}

export interface ScanResult {
  files: DroppedFile[];
  /** Files in a drop folder that are not read, with why (hidden, temp, unknown format). */
  ignored: { path: string; reason: string }[];
}

/** Whether a file name is one the contract says is never read (hidden, editor temp, partial). */
export function ignoredNameReason(name: string): string | undefined {
  if (name.startsWith('.')) return 'hidden file';
  if (name.endsWith('~')) return 'editor backup file (~)';
  if (/\.(tmp|part)$/i.test(name)) return 'file still being written (.tmp/.part)';
  return undefined;
}

/** Lists the files ready to read in the three drop folders (not recursive). */
export function scanDropFolders(dataDir: string): ScanResult {
  const result: ScanResult = { files: [], ignored: [] };
  for (const spec of DATASET_LIST) {
    const dir = path.join(dataDir, spec.folder);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // a missing drop folder simply has no files
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const rel = `${spec.folder}/${entry.name}`;
      const skip = ignoredNameReason(entry.name);
      if (skip) {
        result.ignored.push({ path: rel, reason: skip });
        continue;
      }
      const lower = entry.name.toLowerCase();
      if (!spec.extensions.some((ext) => lower.endsWith(ext))) {
        result.ignored.push({ path: rel, reason: `not a ${spec.extensions.join('/')} file` });
        continue;
      }
      const absPath = path.join(dir, entry.name);
      let stat: fs.Stats;
      try {
        stat = fs.statSync(absPath);
      } catch {
        continue; // vanished between readdir and stat
      }
      result.files.push({ path: rel, absPath, dataset: spec.name, size: stat.size, mtimeMs: stat.mtimeMs });
    }
  }
  // Contract: files found in the same batch are applied by modification time, then path.
  result.files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}
