import type { BatchInput, BatchResult, FileReport } from './applyBatch.js';
import type { Arrivals } from './findArrivals.js';

export interface RunReport {
  kind: BatchInput['kind'];
  /** False when there was nothing to do: no version was used, nothing changed. */
  changed: boolean;
  runId: number | null;
  strategy: BatchResult['strategy'] | 'none';
  filesSeen: number;
  filesUnchanged: number;
  filesIgnored: { path: string; reason: string }[];
  /** Files skipped this time because they changed in the last settleMs (maybe still being written). */
  filesWaiting: string[];
  files: FileReport[];
  filesWithdrawn: number;
  filesArchived: number;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  keysChanged: number;
  groupsRecomputed: number;
  groupsUpserted: number;
  groupsDeleted: number;
  resultRows: number;
  /** Why a full recompute happened, when it was not asked for. */
  rebuildReason?: string;
  warnings: string[];
  seconds: number;
}

export interface RunOutcome {
  kind: BatchInput['kind'];
  arrivals: Arrivals;
  result: BatchResult | undefined;
  filesArchived: number;
  resultRows: number;
  rebuildReason: string | undefined;
  warnings: string[];
  started: number;
}

/** The run's report from what it found and did. */
export function buildRunReport(o: RunOutcome): RunReport {
  const { result, arrivals } = o;
  const files = result?.files ?? [];
  const sum = (f: (r: FileReport) => number) => files.reduce((a, r) => a + f(r), 0);
  return {
    kind: o.kind,
    changed: result !== undefined,
    runId: result?.runId ?? null,
    strategy: result?.strategy ?? 'none',
    filesSeen: arrivals.scan.files.length,
    filesUnchanged: arrivals.plan.unchanged + arrivals.plan.touched.length,
    filesIgnored: arrivals.scan.ignored,
    filesWaiting: arrivals.waiting.map((f) => f.path),
    files,
    filesWithdrawn: result?.filesWithdrawn ?? 0,
    filesArchived: o.filesArchived,
    rowsRead: sum((f) => f.rowsRead),
    rowsLoaded: sum((f) => f.rowsLoaded),
    rowsRejected: sum((f) => f.rowsRejected),
    keysChanged: result?.keysChanged ?? 0,
    groupsRecomputed: result?.groupsRecomputed ?? 0,
    groupsUpserted: result?.groupsUpserted ?? 0,
    groupsDeleted: result?.groupsDeleted ?? 0,
    resultRows: o.resultRows,
    rebuildReason: o.rebuildReason,
    warnings: o.warnings,
    seconds: (performance.now() - o.started) / 1000,
  };
}
