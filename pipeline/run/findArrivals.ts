import { openForWriting } from '../ingest/openForWriting.js';
import { scanDropFolders, type DroppedFile, type ScanResult } from '../ingest/scanDropFolders.js';
import { archiveDir, scanWithArchive } from '../ingest/scanWithArchive.js';
import type { LedgerEntry } from './ledger.js';
import { mtimeMicros, planBatch, type BatchPlan } from './planBatch.js';

export interface Arrivals {
  scan: ScanResult & { fromArchive: number };
  /** Changed files that may still be being written (changed within settleMs, or open for writing). */
  waiting: DroppedFile[];
  plan: BatchPlan;
  warnings: string[];
}

/** How far ahead of this host's clock a file being written on a share may be stamped (watch). */
const FUTURE_SKEW_MS = 10 * 60_000;

const NOTHING: Arrivals['scan'] = { files: [], ignored: [], fromArchive: 0 };

/**
 * The files a run takes: the drop folders (and, on a fresh warehouse, the
 * archive) against the ledger, minus files not complete yet. `scan: false`
 * (rebuild, retract) takes none.
 */
export async function findArrivals(
  dataDir: string,
  ledger: Map<string, LedgerEntry>,
  opts: { scan: boolean; fresh: boolean; settleMs: number },
): Promise<Arrivals> {
  const scan = !opts.scan ? NOTHING : opts.fresh ? scanWithArchive(dataDir) : { ...scanDropFolders(dataDir), fromArchive: 0 };
  const warnings =
    scan.fromArchive > 0
      ? [`fresh warehouse: ${scan.fromArchive} file(s) from ${archiveDir(dataDir)} read too, in arrival order (mtime)`]
      : [];
  const now = Date.now();
  const unchanged = (f: DroppedFile) => {
    const known = ledger.get(f.path);
    return known !== undefined && known.size_bytes === f.size && known.mtime_us === mtimeMicros(f);
  };
  const candidates = scan.files.filter((f) => !unchanged(f));
  // Not complete yet (watch: settleMs > 0): changed within settleMs, or still open for writing by
  // some process. An mtime up to FUTURE_SKEW_MS ahead may be a writer's clock on a share running
  // ahead: it waits as before. One further ahead was set, not written (tar, rsync -t, touch -d):
  // complete. `run` (settleMs 0) waits for nothing: it once left any future-dated file waiting,
  // unreported, until the clock passed it.
  const writing = opts.settleMs > 0 ? openForWriting(candidates.map((f) => f.absPath)) : new Set<string>();
  const recent = (f: DroppedFile) => opts.settleMs > 0 && now - f.mtimeMs < opts.settleMs && f.mtimeMs - now < FUTURE_SKEW_MS;
  const waiting = candidates.filter((f) => recent(f) || writing.has(f.absPath));
  const plan = await planBatch(scan.files.filter((f) => !waiting.includes(f)), ledger);
  return { scan, waiting, plan, warnings };
}
