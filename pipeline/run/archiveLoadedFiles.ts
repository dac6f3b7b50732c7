import fs from 'node:fs';
import path from 'node:path';
import type { DroppedFile } from '../ingest/scanDropFolders.js';
import { archiveDir } from '../ingest/scanWithArchive.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { latestLedgerEntries } from './ledger.js';
import { mtimeMicros } from './planBatch.js';

/**
 * `run --archive`, after the commit: moves every file whose current version is
 * loaded and still in a drop folder (also those a crash after the commit left
 * behind) to <data>/archive/<Dataset>/. Returns how many moved; problems go to warnings.
 */
export async function archiveLoadedFiles(w: Warehouse, dataDir: string, files: DroppedFile[], warnings: string[]): Promise<number> {
  let archived = 0;
  const after = await latestLedgerEntries(w);
  for (const f of files) {
    if (f.absPath.startsWith(archiveDir(dataDir) + path.sep)) continue; // already archived
    const entry = after.get(f.path);
    if (!entry || entry.status !== 'loaded' || entry.size_bytes !== f.size || entry.mtime_us !== mtimeMicros(f)) continue;
    const to = path.join(dataDir, 'archive', f.path);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    try {
      fs.renameSync(f.absPath, to);
      archived++;
    } catch (error) {
      warnings.push(`could not archive ${f.path}: ${(error as Error).message}`);
    }
  }
  return archived;
}
