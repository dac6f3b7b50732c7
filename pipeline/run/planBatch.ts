import fs from 'node:fs';
import type { DroppedFile } from '../ingest/scanDropFolders.js';
import { DATASETS, fileFormat } from '../ingest/datasets.js';
import { hashFile, type FileHead } from '../ingest/hashFile.js';
import { mapWithConcurrency } from '../ingest/mapWithConcurrency.js';
import type { LedgerEntry } from './ledger.js';

/** content_hash recorded for a file that could not be read (quarantined; retried once readable). */
export const UNREADABLE_HASH = 'unreadable';

export interface NewVersion {
  file: DroppedFile;
  hash: string;
  /** The path's previous version, withdrawn when this one is applied. */
  previous?: LedgerEntry;
  /** Path of an active file with identical content (reported; the keyed state makes it harmless). */
  duplicateOf?: string;
  /** Why the file cannot be read (e.g. permission denied): it is quarantined with this reason. */
  unreadable?: string;
  /** A CSV file's first bytes as hashed (its header line, without reading it again). */
  head?: FileHead;
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

/** A CSV file's first bytes kept from its hash read: its header line, mostly (a longer one is read again). */
const CSV_HEAD_BYTES = 4096;

/** Files hashed at once: enough to keep reads in flight on libuv's 4 threads. */
const HASH_CONCURRENCY = 8;

/**
 * Decides which dropped files are new or changed versions. Same path, size and
 * mtime as the ledger: unchanged, not even hashed (a no-op run does no work
 * proportional to the data). Otherwise the content hash decides.
 */
export async function planBatch(files: DroppedFile[], ledger: Map<string, LedgerEntry>): Promise<BatchPlan> {
  const plan: BatchPlan = { newVersions: [], touched: [], unchanged: 0 };
  const activeByHash = new Map<string, string>();
  for (const e of ledger.values()) if (e.status === 'loaded') activeByHash.set(e.content_hash, e.path);
  const unchanged = (file: DroppedFile, known: LedgerEntry | undefined) =>
    known !== undefined && known.size_bytes === file.size && known.mtime_us === mtimeMicros(file) && !becameReadable(known, file);
  // The files to hash are hashed a few at a time (4,000 small files one after the
  // other waited on each read in turn); what each one is, is decided below in order.
  const hashes = await mapWithConcurrency(files, HASH_CONCURRENCY, async (file) =>
    unchanged(file, ledger.get(file.path))
      ? undefined
      : hashFile(file.absPath, fileFormat(DATASETS[file.dataset], file.absPath) === 'csv' ? CSV_HEAD_BYTES : 0).catch(
          (error: NodeJS.ErrnoException) => ({ error }),
        ),
  );
  for (const [i, file] of files.entries()) {
    const known = ledger.get(file.path);
    const hashed = hashes[i];
    if (hashed === undefined) {
      plan.unchanged++;
      continue;
    }
    if ('error' in hashed) {
      // One unreadable file must not stop the others: it is quarantined with the reason.
      const e = hashed.error;
      if (known?.content_hash === UNREADABLE_HASH && known.size_bytes === file.size && known.mtime_us === mtimeMicros(file)) {
        plan.unchanged++;
        continue;
      }
      plan.newVersions.push({ file, hash: UNREADABLE_HASH, previous: known, unreadable: readErrorReason(e) });
      continue;
    }
    const { hash, head } = hashed;
    if (known && known.content_hash === hash) {
      plan.touched.push({ fileId: known.file_id, file });
      continue;
    }
    const duplicateOf = activeByHash.get(hash);
    plan.newVersions.push({ file, hash, previous: known, duplicateOf, head });
    activeByHash.set(hash, file.path);
  }
  return plan;
}

/** A file quarantined as unreadable whose permissions were fixed since (chmod keeps the mtime). */
function becameReadable(known: LedgerEntry, file: DroppedFile): boolean {
  if (known.content_hash !== UNREADABLE_HASH) return false;
  try {
    fs.accessSync(file.absPath, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function readErrorReason(e: NodeJS.ErrnoException): string {
  const what = e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : (e.message.split('\n')[0] ?? '');
  return `cannot be read: ${what}${e.code ? ` (${e.code})` : ''}`;
}
