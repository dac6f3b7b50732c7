import { scanCsvLines, type CsvLineScan } from './scanCsvLines.js';

/**
 * Line scans started ahead of time: while DuckDB reads one file, the next
 * CSV file's line scan (scanCsvLines: newline search, and gunzip for .gz on
 * libuv's thread pool) already runs, instead of after it. At 10M orders the
 * scans cost 4.8 s, most of it in gunzip, while DuckDB reads a .gz file on one
 * thread. A scan is used once; failures surface when it is taken.
 *
 * At most SCANS_AT_ONCE run; the others wait in the order they were asked for
 * (4,000 small files all at once held 4,000 open streams and their buffers:
 * issue 18, many small files). A scan taken before its turn starts at once.
 */
const SCANS_AT_ONCE = 8;

interface Entry {
  start: () => Promise<CsvLineScan>;
  scan?: Promise<CsvLineScan>;
}

const pending = new Map<string, Entry>();
const waiting: string[] = [];
let running = 0;

function begin(entry: Entry): Promise<CsvLineScan> {
  running++;
  entry.scan = entry.start().finally(() => {
    running--;
    startWaiting();
  });
  entry.scan.catch(() => undefined); // reported to whoever takes it
  return entry.scan;
}

function startWaiting(): void {
  while (running < SCANS_AT_ONCE && waiting.length > 0) {
    const absPath = waiting.shift()!;
    const entry = pending.get(absPath);
    if (entry && !entry.scan) begin(entry);
  }
}

/** Starts the scan of `absPath` (or queues it) if it is not already under way. */
export function prefetchCsvScan(absPath: string, maxLineBytes: number): void {
  if (pending.has(absPath)) return;
  pending.set(absPath, { start: () => scanCsvLines(absPath, maxLineBytes) });
  waiting.push(absPath);
  startWaiting();
}

/** The scan of `absPath`: the one started (or queued) ahead of time, else a new one. */
export function takeCsvScan(absPath: string, maxLineBytes: number): Promise<CsvLineScan> {
  const entry = pending.get(absPath);
  pending.delete(absPath);
  if (!entry) return scanCsvLines(absPath, maxLineBytes);
  return entry.scan ?? begin(entry);
}

/** Forgets scans nobody took (a run that stopped early). */
export function clearCsvScans(): void {
  pending.clear();
  waiting.length = 0;
}
