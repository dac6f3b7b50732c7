import type { RunVariables } from '../run/setRunVariables.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';

/**
 * What the run's steps need from an engine (DuckDB or Spark): the same SQL step
 * files (sql/batch, sql/state, sql/marts, sql/audits), run in the same order by
 * the same TypeScript (pipeline/run/recomputeResult.ts, collectChangedKeys.ts,
 * pipeline/transform/*); only how a statement reaches the engine differs.
 */
export interface StepEngine {
  /** Runs every statement of sql/<name> from the run's snapshot (Spark: rendered through its shims). */
  runStep(sql: SqlSnapshot, name: string): Promise<void>;
  /** A `SELECT count(*) …` in the shared dialect. */
  count(sql: string): Promise<number>;
  /** Sets the variables the steps read with getvariable(). */
  setVariables(v: RunVariables): Promise<void>;
  /** Fills batch_files(file_id, change): the file versions the batch loads and withdraws. */
  recordBatchFiles(files: { loaded: number[]; withdrawn: number[] }): Promise<void>;
  /** Wraps the set-based stages (keyed state, metrics): DuckDB shows progress and drops insertion order. */
  setBased<T>(stage: 'keyed state' | 'metrics', work: () => Promise<T>): Promise<T>;
}
