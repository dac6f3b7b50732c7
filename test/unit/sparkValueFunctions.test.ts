import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQL_DIR, SqlSnapshot } from '../../pipeline/warehouse/sqlFiles.js';

// Issue 17: the staging SQL is one text for DuckDB and Spark. Each function it
// calls is a DuckDB macro (sql/migrations/) and a Spark function of the same
// name (sql/engines/spark/values.sql); test/spark/staging.spark.ts checks they
// give the same answers. Here: the two lists match, and the staging text uses
// none of the DuckDB-only forms Spark cannot read.

const VALUES_SQL = fs.readFileSync(path.join(SQL_DIR, 'engines/spark/values.sql'), 'utf8');

/** name -> parameter count of every CREATE OR REPLACE TEMPORARY FUNCTION in values.sql. */
function sparkFunctions(): Map<string, number> {
  const found = new Map<string, number>();
  for (const m of VALUES_SQL.matchAll(/^CREATE OR REPLACE TEMPORARY FUNCTION (\w+)\(([^)]*)\)/gm)) {
    found.set(m[1]!, m[2]!.split(',').filter((p) => p.trim() !== '').length);
  }
  return found;
}

let instance: DuckDBInstance;
let macros: Map<string, number>;
const snapshot = SqlSnapshot.read();
const staging = snapshot.files.filter((f) => f.kind === 'staging');

beforeAll(async () => {
  // a migrated warehouse, in memory: every migration in order, as migrateWarehouse applies them
  instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  for (const f of snapshot.files.filter((f) => f.kind === 'migrations')) await c.run(f.text);
  const rows = (
    await c.runAndReadAll(`SELECT function_name, parameters FROM duckdb_functions() WHERE function_type = 'macro' AND NOT internal`)
  ).getRowObjectsJS() as { function_name: string; parameters: string[] }[];
  macros = new Map(rows.map((r) => [r.function_name, r.parameters.length]));
});
afterAll(() => instance?.closeSync());

describe('staging functions exist on both engines', () => {
  it('every function values.sql defines is a DuckDB macro of the same name and arity in a migrated warehouse', () => {
    const spark = sparkFunctions();
    expect(spark.size).toBeGreaterThanOrEqual(14);
    for (const [name, arity] of spark) {
      expect(macros.get(name), `DuckDB macro ${name} (values.sql defines it)`).toBe(arity);
    }
  });

  it('every DuckDB macro a staging file calls is defined in values.sql, each with a comment naming its macro', () => {
    const spark = sparkFunctions();
    expect(staging.map((f) => f.name).sort()).toEqual(['staging/stg_customers.sql', 'staging/stg_deliveries.sql', 'staging/stg_orders.sql']);
    for (const f of staging) {
      const called = new Set([...f.text.replace(/--.*$/gm, '').matchAll(/\b(\w+)\s*\(/g)].map((m) => m[1]!.toLowerCase()));
      const calledMacros = [...called].filter((n) => macros.has(n));
      expect(calledMacros.length, f.name).toBeGreaterThan(2);
      for (const name of calledMacros) expect(spark.has(name), `${f.name} calls ${name}: values.sql must define it`).toBe(true);
    }
    for (const name of spark.keys()) {
      const comment = new RegExp(`^-- ${name} \\(V00\\d\\)`, 'm');
      expect(VALUES_SQL, `values.sql: "-- ${name} (V00n)" before its definition`).toMatch(comment);
    }
  });

  it('staging text holds none of the DuckDB-only forms (list literals, [n], ::, HUGEINT, regexp_full_match, isfinite, REPLACE)', () => {
    for (const f of staging) {
      const code = f.text.replace(/--.*$/gm, '').replace(/'(?:[^']|'')*'/g, "''");
      expect(code, f.name).not.toMatch(/\[|\]|::|\bHUGEINT\b|\bregexp_full_match\b|\bisfinite\b|\bREPLACE\s*\(|\bgetvariable\b/i);
      // the one spelling Spark's renderer changes: `* EXCLUDE (` -> `* EXCEPT (`, nothing else of that kind
      expect([...code.matchAll(/\bEXCLUDE\b/gi)].length, f.name).toBe(1);
      expect(code, f.name).toMatch(/\* EXCLUDE \(/);
    }
  });
});
