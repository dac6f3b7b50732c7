import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { runStep } from '../run/runStep.js';

export interface MetricsChange {
  groupsRecomputed: number;
  groupsUpserted: number;
  groupsDeleted: number;
}

/**
 * Recomputes the metrics of the groups in scope and applies the difference to
 * ecommerce_state: sql/marts/ecommerce_metrics.sql (-> new_metrics),
 * ecommerce_diff.sql (-> changed_groups, gone_groups) and, when anything
 * changed, ecommerce_apply.sql (upsert, tombstones, version = run_id).
 * Scope: every group when the variable full_recompute is true, else the groups
 * in affected_groups.
 */
export async function recomputeMetrics(w: Warehouse, sql: SqlSnapshot, full: boolean): Promise<MetricsChange> {
  await runStep(w, sql, 'marts/ecommerce_metrics.sql');
  await runStep(w, sql, 'marts/ecommerce_diff.sql');
  const count = (table: string) => w.count(`SELECT count(*) FROM ${table}`);
  const groupsUpserted = await count('changed_groups');
  const groupsDeleted = await count('gone_groups');
  const groupsRecomputed = await count(full ? 'new_metrics' : 'affected_groups');
  if (groupsUpserted + groupsDeleted > 0) await runStep(w, sql, 'marts/ecommerce_apply.sql');
  return { groupsRecomputed, groupsUpserted, groupsDeleted };
}
