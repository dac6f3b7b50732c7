import type { StepEngine } from '../engine/StepEngine.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';

export interface MetricsChange {
  groupsRecomputed: number;
  groupsUpserted: number;
  groupsDeleted: number;
}

/**
 * Recomputes the metrics of the groups in scope and applies the difference to
 * ecommerce_state: sql/marts/ecommerce_metrics.sql (-> view metrics_in_scope),
 * ecommerce_diff.sql (-> changed_groups, gone_groups) and, when anything
 * changed, ecommerce_apply.sql (upsert, tombstones, version = run_id); on an
 * empty result (first build) ecommerce_first_build.sql instead of the diff.
 * Scope: every group when the variable full_recompute is true, else the groups
 * in affected_groups.
 */
export async function recomputeMetrics(w: StepEngine, sql: SqlSnapshot, full: boolean): Promise<MetricsChange> {
  await w.runStep(sql, 'marts/ecommerce_metrics.sql');
  const count = (table: string) => w.count(`SELECT count(*) FROM ${table}`);
  if (full && (await w.count('SELECT count(*) FROM (SELECT 1 FROM ecommerce_state LIMIT 1)')) === 0) {
    // Nothing to compare with: every group is new (no diff, no temp copies of the result).
    await w.runStep(sql, 'marts/ecommerce_first_build.sql');
    const n = await count('ecommerce_state');
    return { groupsRecomputed: n, groupsUpserted: n, groupsDeleted: 0 };
  }
  await w.runStep(sql, 'marts/ecommerce_diff.sql');
  const groupsUpserted = await count('changed_groups');
  const groupsDeleted = await count('gone_groups');
  const groupsRecomputed = await count(full ? 'new_metrics' : 'affected_groups');
  if (groupsUpserted + groupsDeleted > 0) await w.runStep(sql, 'marts/ecommerce_apply.sql');
  return { groupsRecomputed, groupsUpserted, groupsDeleted };
}
