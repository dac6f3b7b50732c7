import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';

/**
 * Runs one step of a run: every statement of sql/<name>, exactly the text of
 * this run's snapshot. Steps take no {{placeholders}}; they read the run's
 * variables (setRunVariables) and named tables, as their headers say.
 */
export async function runStep(w: Warehouse, sql: SqlSnapshot, name: string): Promise<void> {
  await w.run(sql.render(name));
}
