import type { Warehouse } from '../warehouse/Warehouse.js';

/** The values the SQL steps read with getvariable() (see sql/README.md). */
export interface RunVariables {
  /** Window size as the config gives it, e.g. `10 days` (becomes the INTERVAL window_size). */
  windowSize?: string;
  /** This run's id: the version stamped on what it changes. */
  runId?: number;
  /** Every key and group is in scope, not only the changed ones. */
  fullRecompute?: boolean;
}

/** SET VARIABLE for each value given (bound parameters, never spliced into the SQL). */
export async function setRunVariables(w: Warehouse, v: RunVariables): Promise<void> {
  if (v.windowSize !== undefined) await w.run('SET VARIABLE window_size = $1::INTERVAL', [v.windowSize]);
  if (v.runId !== undefined) await w.run('SET VARIABLE run_id = $1::BIGINT', [v.runId]);
  if (v.fullRecompute !== undefined) await w.run('SET VARIABLE full_recompute = $1::BOOLEAN', [v.fullRecompute]);
}
