import type { ProgressReporter } from '../progress/ProgressReporter.js';
import { withQueryProgress } from '../progress/withQueryProgress.js';
import { recomputeMetrics, type MetricsChange } from '../transform/recomputeMetrics.js';
import { refreshKeyedState } from '../transform/refreshKeyedState.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { crashPoint } from './crashPoint.js';
import { runStep } from './runStep.js';
import { setRunVariables } from './setRunVariables.js';

export interface RecomputePlan {
  sql: SqlSnapshot;
  /** Everything from the raw tables, or only what the changed keys touch. */
  full: boolean;
  /** The batch withdraws file versions (step batch/withdraw_rows runs). */
  withdraws: boolean;
  keysChanged: number;
  progress?: ProgressReporter;
  /** Called once the keyed state is up to date (a first build commits it there). */
  afterKeyedState?: () => Promise<void>;
}

const NO_CHANGE: MetricsChange = { groupsRecomputed: 0, groupsUpserted: 0, groupsDeleted: 0 };

/**
 * The steps after ingest, in order: affected groups as they were, withdraw
 * rows, keyed state, affected groups as they are now, metrics + diff + apply.
 * (An order that moves to another customer or window updates both groups.)
 */
export async function recomputeResult(w: Warehouse, plan: RecomputePlan): Promise<MetricsChange> {
  const { sql, full } = plan;
  await setRunVariables(w, { fullRecompute: full });
  if (!full) await runStep(w, sql, 'marts/affected_groups.sql');
  if (plan.withdraws) await runStep(w, sql, 'batch/withdraw_rows.sql');
  // Row order matters only while staging files (rowid = order in the file);
  // the set-based steps below run freer without it.
  await w.run('SET preserve_insertion_order = false');
  try {
    await withQueryProgress(w.connection, plan.progress, { name: 'keyed state' }, () => refreshKeyedState(w, sql));
    await plan.afterKeyedState?.();
    crashPoint('after-keyed-state');
    if (!full) await runStep(w, sql, 'marts/affected_groups.sql');
    if (!full && plan.keysChanged === 0) return NO_CHANGE;
    return await withQueryProgress(w.connection, plan.progress, { name: 'metrics' }, () => recomputeMetrics(w, sql, full));
  } finally {
    await w.run('SET preserve_insertion_order = true');
  }
}
