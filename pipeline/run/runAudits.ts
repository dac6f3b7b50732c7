import { PipelineError } from '../errors/PipelineError.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { runDataTests } from './runDataTests.js';

/**
 * The audits of a run (sql/audits/: run-scoped forms of the grain data tests in
 * sql/tests/), run inside the run's transaction before COMMIT: the first one
 * that returns rows aborts the run (the caller rolls back), naming the audit
 * and a sample row. Scoped to what the run wrote, so they stay cheap.
 */
export async function runAudits(w: Warehouse, sql: SqlSnapshot): Promise<void> {
  for (const result of await runDataTests(w, sql.ofKind('audits'))) {
    if (result.failures === 0) continue;
    throw new PipelineError(
      'AUDIT_FAILED',
      `audit sql/${result.name} failed: ${result.failures} row(s) break it, e.g. ${JSON.stringify(result.sample[0])}; ` +
        `the run was rolled back and the warehouse is as it was before it`,
    );
  }
}
