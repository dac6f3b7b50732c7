import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineStepMismatches } from '../../pipeline/engine/spark/engineStepMismatches.js';
import { SparkSqlRenderer, stepFiles } from '../../pipeline/engine/spark/renderSparkSql.js';
import { rewriteRunVariables, SPARK_RUN_VARIABLES } from '../../pipeline/engine/spark/sparkRunVariables.js';
import { StatementShims } from '../../pipeline/engine/spark/statementShims.js';
import { PipelineError } from '../../pipeline/errors/PipelineError.js';
import { SqlSnapshot, sqlDir } from '../../pipeline/warehouse/sqlFiles.js';

// Issue 17, "one algorithm": the step files run on DuckDB and on Spark, the
// differences live in sql/engines/spark/ (statement shims, functions), and the
// two engines run the same list of steps.
const sql = SqlSnapshot.read();
const renderer = new SparkSqlRenderer(sql);

function thrown(f: () => unknown): PipelineError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PipelineError);
    return e as PipelineError;
  }
  throw new Error('expected a PipelineError');
}

const withOverride = (name: string) =>
  new SqlSnapshot(sql.files, [...sql.engineFiles, { name, engine: 'spark', checksum: 'x', text: 'SELECT 1;' }]);

describe('the step files on both engines', () => {
  it('every step renders for Spark, statement by statement, with no DuckDB-only construct left', () => {
    const steps = stepFiles(sql, 'spark');
    expect(steps.map((s) => s.step)).toContain('marts/ecommerce_diff.sql');
    for (const { step } of steps) {
      const statements = renderer.step(step);
      expect(statements.length, step).toBeGreaterThan(0);
      for (const s of statements) {
        expect(s.text, `${s.file} #${s.index}`).not.toMatch(/getvariable|\bTEMP\b|::|EXCLUDE|\bMACRO\b|;\s*$/i);
        expect(s.text).not.toMatch(/^\s*DELETE\b[\s\S]*\b(SELECT|USING|EXISTS)\b/i);
      }
    }
    // the forms Spark lacks went through their shims
    const shims = steps.flatMap(({ step }) => renderer.step(step).map((s) => s.shim)).filter(Boolean);
    expect(new Set(shims)).toEqual(
      new Set(['temp_table_as', 'temp_table_columns', 'temp_view', 'delete_in_subquery', 'delete_not_in_subquery', 'delete_using', 'delete_exists', 'set_variable']),
    );
    // the metrics step sets the affected span itself: SET VARIABLE is Spark's SET VAR (the variables read qualified)
    expect(renderer.step('marts/ecommerce_metrics.sql').slice(0, 2).map((s) => s.text)).toEqual([
      'SET VAR affected_from = (SELECT min(start_timestamp) FROM affected_groups)',
      'SET VAR affected_to = (SELECT max(start_timestamp) FROM affected_groups) + system.session.window_size',
    ]);
    expect(renderer.step('marts/ecommerce_apply.sql')[1]!.text).toMatch(/^MERGE INTO ecommerce_state s USING replaced_groups k\s+ON s\.Customer_ID = k\.Customer_ID AND s\.start_timestamp = k\.start_timestamp\s+WHEN MATCHED THEN DELETE$/);
  });

  it('a statement still holding a DuckDB-only construct fails loudly, naming the file and the statement', () => {
    for (const [text, construct] of [
      ['SELECT 1;\nSELECT * REPLACE (1 AS a) FROM t;', /REPLACE/],
      ['SELECT x::BIGINT FROM t', /:: cast/],
      ['CREATE TEMP TABLE t AS SELECT 1', /TEMP/],
      ['DELETE FROM t WHERE EXISTS (SELECT 1 FROM u)', /DELETE with a subquery/],
      ['SELECT [1, 2][1] AS l', /list literal/],
      ["SELECT time_bucket(INTERVAL '1 day', ts) FROM t", /time_bucket/],
    ] as const) {
      const err = thrown(() => renderer.render('marts/x.sql', text));
      expect(err.code).toBe('INTERNAL');
      expect(err.message).toMatch(/^sql\/marts\/x\.sql, statement \d/);
      expect(err.message).toMatch(construct);
    }
    // DuckDB's * EXCLUDE is Spark's * EXCEPT (staging passes a file's extra columns through with it)
    expect(renderer.render('staging/x.sql', 'SELECT a, * EXCLUDE (a, b) FROM t')[0]!.text).toBe('SELECT a, * EXCEPT (a, b) FROM t');
    expect(thrown(() => renderer.render('marts/x.sql', 'SELECT 1;\nSELECT a::INT FROM t')).message).toMatch(/statement 2 \(SELECT a::INT FROM t/);
    // comments and quoted text neither hide nor fake a construct
    expect(renderer.render('x.sql', "-- a::b EXCLUDE\nSELECT 'a::b' AS \"x::y\" FROM t")[0]!.text).toBe("SELECT 'a::b' AS \"x::y\" FROM t");
    expect(renderer.render('x.sql', "SELECT 'a -- b\n\n  c' AS s -- why\n;")[0]!.text).toBe("SELECT 'a -- b\n\n  c' AS s");
  });

  it('run variables become qualified session variables, unknown ones are refused', () => {
    expect(rewriteRunVariables("SELECT getvariable('run_id') AS v, GETVARIABLE( 'window_size' )", 'f')).toBe(
      'SELECT system.session.run_id AS v, system.session.window_size',
    );
    expect(thrown(() => rewriteRunVariables("SELECT getvariable('nope')", 'sql/a.sql')).message).toMatch(/nope/);
    // every variable sql/README.md documents is declared for Spark
    const readme = fs.readFileSync(path.join(sqlDir(), 'README.md'), 'utf8');
    const documented = [...readme.matchAll(/^\| `(\w+)` \| `[A-Z]+` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(SPARK_RUN_VARIABLES.map((v) => v.name));
  });

  it('statement shims match whole statements, and refuse a statement they could match in two ways', () => {
    const shims = new StatementShims([
      { name: 'delete_in', pattern: 'DELETE FROM {t} WHERE {c} IN (SELECT {k} FROM {src...})', replacement: 'MERGE {t} {c} {k} [{src...}]' },
      { name: 'two_texts', pattern: 'SELECT {a...} UNION {b...}', replacement: '{a...} / {b...}' },
    ]);
    expect(shims.apply('delete  from t\nWHERE c IN (SELECT k FROM s WHERE x IN (SELECT 1));', 'f').text).toBe('MERGE t c k [s WHERE x IN (SELECT 1)]');
    // not the whole statement: no shim
    expect(shims.apply('DELETE FROM t WHERE c IN (SELECT k FROM s) AND d = 1', 'f')).toEqual({ text: 'DELETE FROM t WHERE c IN (SELECT k FROM s) AND d = 1' });
    expect(shims.apply('SELECT 1 UNION 2', 'f').text).toBe('1 / 2');
    expect(thrown(() => shims.apply('SELECT 1 UNION 2 UNION 3', 'sql/f.sql, statement 1')).message).toMatch(/two_texts matches it in more than one way/);
    expect(thrown(() => new StatementShims([{ name: 'x', pattern: 'SELECT {a}', replacement: '{b}' }])).message).toMatch(/\{b\}/);
  });

  it('both engines run the same steps: a Spark-only step or an override of a non-step fails', () => {
    expect(engineStepMismatches(sql)).toEqual([]);
    expect(stepFiles(sql, 'spark').map((s) => s.step)).toEqual(stepFiles(sql, 'duckdb').map((s) => s.step));
    // an override of a shared step is the same step, run from another file
    const overridden = withOverride('engines/spark/marts/ecommerce_apply.sql');
    expect(engineStepMismatches(overridden)).toEqual([]);
    expect(new SparkSqlRenderer(overridden).step('marts/ecommerce_apply.sql')).toEqual([{ file: 'engines/spark/marts/ecommerce_apply.sql', index: 1, text: 'SELECT 1' }]);
    expect(engineStepMismatches(withOverride('engines/spark/marts/spark_only.sql'))).toEqual([
      'sql/engines/spark/marts/spark_only.sql is a Spark step with no shared sql/marts/spark_only.sql (DuckDB would not run it)',
    ]);
    expect(engineStepMismatches(withOverride('engines/spark/explain/order_state.sql'))[0]).toMatch(/not a step both engines run/);
  });

  it('every Spark function has a DuckDB macro of the same name, and every macro a step calls has a Spark function', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    try {
      const c = await instance.connect();
      for (const m of sql.ofKind('migrations')) await c.run(m.text);
      const macros = new Set(
        (await c.runAndReadAll(`SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'macro' AND NOT internal`))
          .getRows()
          .map((r) => String(r[0])),
      );
      const sparkFunctions = renderer
        .sessionStatements()
        .map((s) => /^CREATE OR REPLACE TEMPORARY FUNCTION (\w+)\s*\(/i.exec(s.text)?.[1])
        .filter((n): n is string => n !== undefined);
      expect(sparkFunctions).toEqual(expect.arrayContaining(['window_start', 'same_exact', 'same_float']));
      for (const f of sparkFunctions) expect(macros, `Spark function ${f}`).toContain(f);
      const stepText = stepFiles(sql, 'spark').map(({ step }) => sql.render(step)).join('\n');
      for (const m of macros) if (new RegExp(`\\b${m}\\s*\\(`).test(stepText)) expect(sparkFunctions, `macro ${m}`).toContain(m);
    } finally {
      instance.closeSync();
    }
  });
});
