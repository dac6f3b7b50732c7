import { PipelineError } from '../errors/PipelineError.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { auditFiles, runDataTests } from './runDataTests.js';

/**
 * The audits of a run (data tests in sql/tests/ whose header says `-- audit:`),
 * run inside the run's transaction before COMMIT: the first one that returns
 * rows aborts the run (the caller rolls back), naming the test and a sample row.
 */
export async function runAudits(w: Warehouse, sql: SqlSnapshot): Promise<void> {
  for (const result of await runDataTests(w, auditFiles(sql))) {
    if (result.failures === 0) continue;
    throw new PipelineError(
      'AUDIT_FAILED',
      `audit sql/${result.name} failed: ${result.failures} row(s) break it, e.g. ${JSON.stringify(result.sample[0])}; ` +
        `the run was rolled back and the warehouse is as it was before it`,
    );
  }
}
