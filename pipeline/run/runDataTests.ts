import type { Json } from '@duckdb/node-api';
import { listSqlFiles } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';

export interface DataTestResult {
  name: string;
  failures: number;
  /** Up to five failing rows, JSON-safe (any DuckDB value, e.g. an infinite timestamp, prints). */
  sample: Record<string, Json>[];
}

/** Runs every sql/tests/*.sql: each returns the rows that break its rule (none = pass). */
export async function runDataTests(w: Warehouse): Promise<DataTestResult[]> {
  const results: DataTestResult[] = [];
  for (const file of listSqlFiles().filter((f) => f.kind === 'tests')) {
    const reader = await w.connection.runAndReadAll(file.text);
    const rows = reader.getRowObjectsJson();
    results.push({ name: file.name, failures: rows.length, sample: rows.slice(0, 5) });
  }
  return results;
}
