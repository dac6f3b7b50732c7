import fs from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from './isProcessAlive.js';

/**
 * Removes the change files (rows-<pid>.csv, deletes-<pid>.csv) that an export
 * killed mid-sync left in the work folder. Only files of processes that no
 * longer exist: a concurrent export's files are its own. Returns what was removed.
 */
export function removeStaleExportFiles(workDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(workDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = /^(?:rows|deletes)-(\d+)\.csv$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    fs.rmSync(path.join(workDir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
