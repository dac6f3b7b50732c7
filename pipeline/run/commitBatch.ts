import { recordSqlFiles } from '../warehouse/migrateWarehouse.js';
import type { SqlFile } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { applyBatch, type BatchInput, type BatchResult } from './applyBatch.js';
import { crashPoint } from './crashPoint.js';
import { FIRST_BUILD_UNDONE, undoInterruptedFirstBuild } from './firstBuild.js';
import type { BatchPlan } from './planBatch.js';
import { recordTouched } from './recordTouched.js';
import { runAudits } from './runAudits.js';

/**
 * The run's one transaction: ledger stat updates, the batch (applyBatch), the
 * audits (a failing one rolls everything back), the SQL checksums, COMMIT.
 * (A first build commits in parts and is undone as a whole on failure:
 * firstBuild.ts.)
 */
export async function commitBatch(w: Warehouse, plan: BatchPlan, input: BatchInput, sqlFiles: SqlFile[]): Promise<BatchResult> {
  let result: BatchResult;
  try {
    result = await w.transaction(async () => {
      await recordTouched(w, plan);
      const r = await applyBatch(w, input);
      await runAudits(w, input.sql);
      await recordSqlFiles(w, sqlFiles);
      crashPoint('before-commit');
      return r;
    });
  } catch (error) {
    // A first build commits in parts: the rollback undid only the last one.
    // Undone here when this connection still can; else runPipeline reopens the
    // warehouse and undoes it. The run's own error is the one reported.
    const undone = await undoInterruptedFirstBuild(w).catch(() => false);
    if (undone && error instanceof Error) error.message = `${error.message}\n${FIRST_BUILD_UNDONE}`;
    throw error;
  }
  crashPoint('after-commit');
  return result;
}
