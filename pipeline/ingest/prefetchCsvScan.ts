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
 * issue 18, many small files). A scan taken before its turn moves ahead of the
 * ones nobody has asked for yet, in the order taken.
 */
const SCANS_AT_ONCE = 8;

interface Entry {
  started: boolean;
  run: () => void;
  result: Promise<CsvLineScan>;
}

const pending = new Map<string, Entry>();
/** Taken before their turn, first. */
const urgent: Entry[] = [];
const waiting: Entry[] = [];
let running = 0;

function startWaiting(): void {
  while (running < SCANS_AT_ONCE) {
    const entry = urgent.shift() ?? waiting.shift();
    if (!entry) return;
    if (entry.started) continue;
    entry.started = true;
    running++;
    entry.run();
  }
}

function entryFor(absPath: string, maxLineBytes: number): Entry {
  const entry = { started: false } as Entry;
  entry.result = new Promise<CsvLineScan>((resolve, reject) => {
    entry.run = () => {
      scanCsvLines(absPath, maxLineBytes)
        .then(resolve, reject)
        .finally(() => {
          running--;
          startWaiting();
        });
    };
  });
  entry.result.catch(() => undefined); // reported to whoever takes it
  return entry;
}

/** Queues the scan of `absPath` (started when a slot is free) if it is not already asked for. */
export function prefetchCsvScan(absPath: string, maxLineBytes: number): void {
  if (pending.has(absPath)) return;
  const entry = entryFor(absPath, maxLineBytes);
  pending.set(absPath, entry);
  waiting.push(entry);
  startWaiting();
}

/** The scan of `absPath`: the one asked for ahead of time (moved ahead if still waiting), else a new one in the queue. */
export function takeCsvScan(absPath: string, maxLineBytes: number): Promise<CsvLineScan> {
  const entry = pending.get(absPath) ?? entryFor(absPath, maxLineBytes);
  pending.delete(absPath);
  if (!entry.started) {
    urgent.push(entry);
    startWaiting();
  }
  return entry.result;
}

/** Forgets scans nobody took (a run that stopped early); taken ones still run (someone awaits them). */
export function clearCsvScans(): void {
  pending.clear();
  waiting.length = 0;
}
