import type { StepEngine } from '../engine/StepEngine.js';
import { recomputeMetrics, type MetricsChange } from '../transform/recomputeMetrics.js';
import { refreshKeyedState } from '../transform/refreshKeyedState.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import { crashPoint } from './crashPoint.js';

export interface RecomputePlan {
  sql: SqlSnapshot;
  /** Everything from the raw tables, or only what the changed keys touch. */
  full: boolean;
  /** The batch withdraws file versions (step batch/withdraw_rows runs). */
  withdraws: boolean;
  keysChanged: number;
  /** Called once the keyed state is up to date (a first build commits it there). */
  afterKeyedState?: () => Promise<void>;
}

const NO_CHANGE: MetricsChange = { groupsRecomputed: 0, groupsUpserted: 0, groupsDeleted: 0 };

/**
 * The steps after ingest, in order: affected groups as they were, withdraw
 * rows, keyed state, affected groups as they are now, metrics + diff + apply.
 * (An order that moves to another customer or window updates both groups.)
 */
export async function recomputeResult(e: StepEngine, plan: RecomputePlan): Promise<MetricsChange> {
  const { sql, full } = plan;
  await e.setVariables({ fullRecompute: full });
  if (!full) await e.runStep(sql, 'marts/affected_groups.sql');
  if (plan.withdraws) await e.runStep(sql, 'batch/withdraw_rows.sql');
  await e.setBased('keyed state', () => refreshKeyedState(e, sql));
  await plan.afterKeyedState?.();
  crashPoint('after-keyed-state');
  if (!full) await e.runStep(sql, 'marts/affected_groups.sql');
  if (!full && plan.keysChanged === 0) return NO_CHANGE;
  return e.setBased('metrics', () => recomputeMetrics(e, sql, full));
}
