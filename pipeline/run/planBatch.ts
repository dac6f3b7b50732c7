import type { DroppedFile } from '../ingest/scanDropFolders.js';
import { hashFile } from '../ingest/hashFile.js';
import type { LedgerEntry } from './ledger.js';

export interface NewVersion {
  file: DroppedFile;
  hash: string;
  /** The path's previous version, withdrawn when this one is applied. */
  previous?: LedgerEntry;
  /** Path of an active file with identical content (reported; the keyed state makes it harmless). */
  duplicateOf?: string;
}

export interface BatchPlan {
  newVersions: NewVersion[];
  /** Files whose mtime/size changed but whose content did not: the ledger just records the new stat. */
  touched: { fileId: number; file: DroppedFile }[];
  unchanged: number;
}

export function mtimeMicros(file: DroppedFile): number {
  return Math.round(file.mtimeMs * 1000);
}

/**
 * Decides which dropped files are new or changed versions. Same path, size and
 * mtime as the ledger: unchanged, not even hashed (a no-op run does no work
 * proportional to the data). Otherwise the content hash decides.
 */
export async function planBatch(files: DroppedFile[], ledger: Map<string, LedgerEntry>): Promise<BatchPlan> {
  const plan: BatchPlan = { newVersions: [], touched: [], unchanged: 0 };
  const activeByHash = new Map<string, string>();
  for (const e of ledger.values()) if (e.status === 'loaded') activeByHash.set(e.content_hash, e.path);
  for (const file of files) {
    const known = ledger.get(file.path);
    if (known && known.size_bytes === file.size && known.mtime_us === mtimeMicros(file)) {
      plan.unchanged++;
      continue;
    }
    const hash = await hashFile(file.absPath);
    if (known && known.content_hash === hash) {
      plan.touched.push({ fileId: known.file_id, file });
      continue;
    }
    const duplicateOf = activeByHash.get(hash);
    plan.newVersions.push({ file, hash, previous: known, duplicateOf });
    activeByHash.set(hash, file.path);
  }
  return plan;
}
