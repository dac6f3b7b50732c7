import type { Warehouse } from '../warehouse/Warehouse.js';
import { mtimeMicros, type BatchPlan } from './planBatch.js';

/** Files whose stat changed but content did not: the ledger records the new size/mtime, nothing else. */
export async function recordTouched(w: Warehouse, plan: BatchPlan): Promise<void> {
  for (const t of plan.touched) {
    await w.run('UPDATE pipeline_files SET size_bytes = $1, mtime = make_timestamp($2::BIGINT) WHERE file_id = $3', [
      t.file.size, mtimeMicros(t.file), t.fileId,
    ]);
  }
}
