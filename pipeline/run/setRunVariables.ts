import type { Warehouse } from '../warehouse/Warehouse.js';

/** The values the SQL steps read with getvariable() (see sql/README.md). */
export interface RunVariables {
  /** Window size as the config gives it, e.g. `10 days` (becomes the INTERVAL window_size). */
  windowSize?: string;
  /** This run's id: the version stamped on what it changes. */
  runId?: number;
  /** Every key and group is in scope, not only the changed ones. */
  fullRecompute?: boolean;
  /**
   * The lowest raw _file_id the keyed state must read for the changed keys: when
   * a batch only adds files, every changed key's latest row is in them (they hold
   * the highest file ids), so older rows need not be read (0 = read them all).
   */
  rowsSinceFileId?: number;
}

/** SET VARIABLE for each value given (bound parameters, never spliced into the SQL). */
export async function setRunVariables(w: Warehouse, v: RunVariables): Promise<void> {
  if (v.windowSize !== undefined) await w.run('SET VARIABLE window_size = $1::INTERVAL', [v.windowSize]);
  if (v.runId !== undefined) await w.run('SET VARIABLE run_id = $1::BIGINT', [v.runId]);
  if (v.fullRecompute !== undefined) await w.run('SET VARIABLE full_recompute = $1::BOOLEAN', [v.fullRecompute]);
  if (v.rowsSinceFileId !== undefined) await w.run('SET VARIABLE rows_since_file_id = $1::INTEGER', [v.rowsSinceFileId]);
}
