import { scanCsvLines, type CsvLineScan } from './scanCsvLines.js';

/**
 * Line scans started ahead of time: while DuckDB reads one file, the next
 * CSV file's line scan (scanCsvLines: newline search, and gunzip for .gz on
 * libuv's thread pool) already runs, instead of after it. At 10M orders the
 * scans cost 4.8 s, most of it in gunzip, while DuckDB reads a .gz file on one
 * thread. A scan is used once; failures surface when it is taken.
 */
const pending = new Map<string, Promise<CsvLineScan>>();

/** Starts the scan of `absPath` if it is not already under way. */
export function prefetchCsvScan(absPath: string, maxLineBytes: number): void {
  if (pending.has(absPath)) return;
  const scan = scanCsvLines(absPath, maxLineBytes);
  scan.catch(() => undefined); // reported to whoever takes it
  pending.set(absPath, scan);
}

/** The scan of `absPath`: the one started ahead of time, else a new one. */
export function takeCsvScan(absPath: string, maxLineBytes: number): Promise<CsvLineScan> {
  const scan = pending.get(absPath);
  pending.delete(absPath);
  return scan ?? scanCsvLines(absPath, maxLineBytes);
}

/** Forgets scans nobody took (a run that stopped early). */
export function clearCsvScans(): void {
  pending.clear();
}
