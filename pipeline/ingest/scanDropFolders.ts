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
  /** Inode change time (chmod, rename, write): what the no-op check compares beside size and mtime (settledRun.ts). */
  ctimeMs?: number;
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

/**
 * What a drop-folder entry that is not a regular file is, as a reason to skip
 * it; undefined for a regular file, or a symlink to one (read through the link).
 */
function notAFileReason(entry: fs.Dirent, absPath: string): string | undefined {
  if (entry.isFile()) return undefined;
  if (entry.isSymbolicLink()) {
    let target: fs.Stats;
    try {
      target = fs.statSync(absPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return 'dangling symlink (its target does not exist)';
      if (code === 'ELOOP') return 'symlink loop';
      return `symlink whose target cannot be examined (${code ?? (error as Error).message})`;
    }
    if (target.isFile()) return undefined;
    return `symlink to ${kindOf(target)}, not to a regular file`;
  }
  return `${kindOf(entry)}, not a regular file`;
}

function kindOf(s: fs.Dirent | fs.Stats): string {
  if (s.isDirectory()) return 'a directory (drop folders are not read recursively)';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'an entry of unknown type';
}

/**
 * Lists the files ready to read in the three drop folders (not recursive).
 * Policy: regular files, and symlinks to regular files, are read; every other
 * entry (directory, FIFO, socket, device, dangling or looping symlink, symlink
 * to a non-file) is skipped and reported in `ignored` with why, as hidden and
 * temp files are.
 */
export function scanDropFolders(dataDir: string): ScanResult {
  const result: ScanResult = { files: [], ignored: [] };
  for (const spec of DATASET_LIST) {
    const dir = path.join(dataDir, spec.folder);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') result.ignored.push({ path: spec.folder, reason: `drop folder cannot be listed (${code ?? (error as Error).message})` });
      continue; // a missing drop folder simply has no files
    }
    for (const entry of entries) {
      const rel = `${spec.folder}/${entry.name}`;
      const skip = ignoredNameReason(entry.name);
      if (skip) {
        result.ignored.push({ path: rel, reason: skip });
        continue;
      }
      const absPath = path.join(dir, entry.name);
      const notFile = notAFileReason(entry, absPath);
      if (notFile) {
        result.ignored.push({ path: rel, reason: notFile });
        continue;
      }
      const lower = entry.name.toLowerCase();
      if (!spec.extensions.some((ext) => lower.endsWith(ext))) {
        result.ignored.push({ path: rel, reason: `not a ${spec.extensions.join('/')} file` });
        continue;
      }
      let stat: fs.Stats;
      try {
        stat = fs.statSync(absPath);
      } catch {
        continue; // vanished between readdir and stat
      }
      result.files.push({ path: rel, absPath, dataset: spec.name, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs });
    }
  }
  // docs/contract.md, "Arrival order": files found in the same batch are applied by modification time, then path.
  result.files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}
