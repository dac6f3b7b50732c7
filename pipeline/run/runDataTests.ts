import type { Json } from '@duckdb/node-api';
import type { SqlFile } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';

export interface DataTestResult {
  name: string;
  failures: number;
  /** Up to five failing rows, JSON-safe (any DuckDB value, e.g. an infinite timestamp, prints). */
  sample: Record<string, Json>[];
  /** What repairs a failure: the test's `-- Repair:` header paragraph, if it has one. */
  repair?: string;
  seconds: number;
}

/** The `-- Repair: …` paragraph of a data test's header comment (up to the next `-- Label:` or the end of the comment). */
export function repairOf(text: string): string | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^--\s*Repair:/.test(l));
  if (start < 0) return undefined;
  const parts = [lines[start]!.replace(/^--\s*Repair:\s*/, '')];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith('--') || /^--\s*\w+:/.test(l)) break;
    parts.push(l.replace(/^--\s*/, ''));
  }
  return parts.join(' ').trim();
}

/** Runs the given data tests (e.g. every sql/tests/*.sql): each returns the rows that break its rule (none = pass). */
export async function runDataTests(w: Warehouse, tests: SqlFile[]): Promise<DataTestResult[]> {
  const results: DataTestResult[] = [];
  for (const file of tests) {
    const started = performance.now();
    const reader = await w.connection.runAndReadAll(file.text);
    const rows = reader.getRowObjectsJson();
    results.push({
      name: file.name, failures: rows.length, sample: rows.slice(0, 5), repair: repairOf(file.text),
      seconds: (performance.now() - started) / 1000,
    });
  }
  return results;
}
