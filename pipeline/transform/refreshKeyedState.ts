import { DATASET_LIST } from '../ingest/datasets.js';
import type { StepEngine } from '../engine/StepEngine.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';

/**
 * Brings cur_orders / cur_deliveries / cur_customers up to date with the raw
 * tables: the steps sql/state/cur_*.sql (every key when the variable
 * full_recompute is true, else the keys in changed_orders / changed_deliveries
 * / changed_customers).
 */
export async function refreshKeyedState(w: StepEngine, sql: SqlSnapshot): Promise<void> {
  for (const spec of DATASET_LIST) await w.runStep(sql, spec.stateSql);
}
