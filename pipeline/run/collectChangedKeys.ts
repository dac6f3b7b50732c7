import type { StepEngine } from '../engine/StepEngine.js';
import { DATASET_LIST } from '../ingest/datasets.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';

/**
 * Step "changed keys": records which file versions the batch loads and
 * withdraws (temp table batch_files) and runs sql/batch/changed_keys.sql.
 * Returns how many keys changed (0 when the variable full_recompute is true).
 */
export async function collectChangedKeys(
  w: StepEngine,
  sql: SqlSnapshot,
  files: { loaded: number[]; withdrawn: number[] },
): Promise<number> {
  await w.recordBatchFiles(files);
  await w.runStep(sql, 'batch/changed_keys.sql');
  let keys = 0;
  for (const spec of DATASET_LIST) keys += await w.count(`SELECT count(*) FROM ${spec.changedKeys}`);
  return keys;
}
