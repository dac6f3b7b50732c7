import type { MetricsChange } from '../transform/recomputeMetrics.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import type { BatchInput, FileReport } from './applyBatch.js';

export interface RunRecord {
  runId: number;
  input: Pick<BatchInput, 'kind' | 'window' | 'note' | 'startedAt'>;
  files: FileReport[];
  filesWithdrawn: number;
  keysChanged: number;
  change: MetricsChange;
  full: boolean;
}

/** Bookkeeping: the run's row in pipeline_runs and the window it computed with. */
export async function recordRun(w: Warehouse, r: RunRecord): Promise<void> {
  const sum = (f: (x: FileReport) => number) => r.files.reduce((a, x) => a + f(x), 0);
  await w.run(
    `INSERT INTO pipeline_runs VALUES ($run, $kind, $started::TIMESTAMP, now()::TIMESTAMP, $new, $loaded, $quar, $withdrawn,
       $read, $rowsLoaded, $rejected, $keys, $recomputed, $upserted, $deleted, $strategy, $note)`,
    {
      run: r.runId, kind: r.input.kind, started: (r.input.startedAt ?? new Date()).toISOString(), new: r.files.length,
      loaded: r.files.filter((f) => f.status === 'loaded').length,
      quar: r.files.filter((f) => f.status === 'quarantined').length, withdrawn: r.filesWithdrawn,
      read: sum((f) => f.rowsRead), rowsLoaded: sum((f) => f.rowsLoaded), rejected: sum((f) => f.rowsRejected),
      keys: r.keysChanged, recomputed: r.change.groupsRecomputed, upserted: r.change.groupsUpserted,
      deleted: r.change.groupsDeleted, strategy: r.full ? 'full' : 'incremental', note: r.input.note ?? null,
    },
  );
  await w.run(`DELETE FROM pipeline_settings WHERE key = 'window'`);
  await w.run(`INSERT INTO pipeline_settings VALUES ('window', $1)`, [r.input.window]);
}
