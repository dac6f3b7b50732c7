import { listSqlFiles } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';

export interface DataTestResult {
  name: string;
  failures: number;
  sample: Record<string, unknown>[];
}

/** Runs every sql/tests/*.sql: each returns the rows that break its rule (none = pass). */
export async function runDataTests(w: Warehouse): Promise<DataTestResult[]> {
  const results: DataTestResult[] = [];
  for (const file of listSqlFiles().filter((f) => f.kind === 'tests')) {
    const rows = await w.all(file.text);
    results.push({ name: file.name, failures: rows.length, sample: rows.slice(0, 5) });
  }
  return results;
}
