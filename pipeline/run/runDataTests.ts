import type { Json } from '@duckdb/node-api';
import type { SqlFile } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';

export interface DataTestResult {
  name: string;
  failures: number;
  /** Up to five failing rows, JSON-safe (any DuckDB value, e.g. an infinite timestamp, prints). */
  sample: Record<string, Json>[];
}

/** Runs the given data tests (e.g. every sql/tests/*.sql): each returns the rows that break its rule (none = pass). */
export async function runDataTests(w: Warehouse, tests: SqlFile[]): Promise<DataTestResult[]> {
  const results: DataTestResult[] = [];
  for (const file of tests) {
    const reader = await w.connection.runAndReadAll(file.text);
    const rows = reader.getRowObjectsJson();
    results.push({ name: file.name, failures: rows.length, sample: rows.slice(0, 5) });
  }
  return results;
}
