import { PipelineError } from '../../errors/PipelineError.js';
import { splitStatements } from '../../shell/splitStatements.js';
import type { EngineSqlFile, SqlKind, SqlSnapshot } from '../../warehouse/sqlFiles.js';
import { findDuckdbOnlyConstruct } from './duckdbOnlyConstruct.js';
import { rewriteRunVariables } from './sparkRunVariables.js';
import { parseStatementShims, StatementShims } from './statementShims.js';
import { stripSqlComments } from './stripSqlComments.js';

/** The folder of the Spark engine's shims, below sql/. */
export const SPARK_ENGINE_DIR = 'engines/spark';
/** The statement shims (patterns), not executed as such. */
export const SPARK_STATEMENTS_FILE = `${SPARK_ENGINE_DIR}/statements.sql`;
/** The lake's tables and views (pipeline/engine/spark/sparkLakeTables.ts). */
export const SPARK_LAKE_FILE = `${SPARK_ENGINE_DIR}/lake.sql`;

/** The kinds of step files both engines run (staging is rendered by its own code). */
export const SHARED_STEP_KINDS: readonly SqlKind[] = ['batch', 'state', 'marts', 'audits'];

/** One statement as Spark runs it. */
export interface SparkStatement {
  /** The file it comes from, below sql/ (a shared step or a Spark override). */
  file: string;
  /** 1-based position in that file. */
  index: number;
  /** Spark SQL, comments removed, no trailing `;`. */
  text: string;
  /** The statement shim applied, if any. */
  shim?: string;
}

function statementsOf(text: string): string[] {
  const { statements, rest } = splitStatements(text);
  const all = rest.trim() === '' ? statements : [...statements, rest];
  return all.filter((s) => stripSqlComments(s).replace(/;$/, '').trim() !== '');
}

function where(file: string, index: number, text: string): string {
  const head = stripSqlComments(text).replace(/\s+/g, ' ').slice(0, 80);
  return `sql/${file}, statement ${index} (${head}…)`;
}

/** A Spark override of a shared file: sql/engines/spark/<kind>/<file>.sql replaces sql/<kind>/<file>.sql. */
export function sparkOverrides(sql: SqlSnapshot): Map<string, EngineSqlFile> {
  const overrides = new Map<string, EngineSqlFile>();
  for (const f of sql.ofEngine('spark')) {
    const rel = f.name.slice(SPARK_ENGINE_DIR.length + 1);
    if (rel.includes('/')) overrides.set(rel, f);
  }
  return overrides;
}

/** Renders shared SQL statement by statement for Spark (see SparkSqlRenderer.step). */
export class SparkSqlRenderer {
  private readonly shims: StatementShims;
  private readonly overrides: Map<string, EngineSqlFile>;

  constructor(private readonly sql: SqlSnapshot) {
    const file = sql.ofEngine('spark').find((f) => f.name === SPARK_STATEMENTS_FILE);
    if (!file) throw new PipelineError('SQL_FILE_MISSING', `sql/${SPARK_STATEMENTS_FILE} is missing`);
    this.shims = new StatementShims(parseStatementShims(file.text, `sql/${SPARK_STATEMENTS_FILE}`));
    this.overrides = sparkOverrides(sql);
  }

  /**
   * The statements of step sql/<name> (e.g. "marts/ecommerce_diff.sql") as
   * Spark runs them, in order: the Spark override when there is one, else the
   * shared file; statement shims applied; getvariable('x') -> system.session.x.
   * Throws PipelineError INTERNAL naming the file and statement when one still
   * holds a DuckDB-only construct. Execute them one by one, in order.
   */
  step(name: string): SparkStatement[] {
    const override = this.overrides.get(name);
    const file = override ? override.name : name;
    const text = override ? override.text : this.sql.render(name);
    return this.render(file, text);
  }

  /** Any SQL text in the shared dialect (a step, an audit, a query of the run), statement by statement. */
  render(file: string, text: string): SparkStatement[] {
    return statementsOf(text).map((statement, i) => {
      const at = where(file, i + 1, statement);
      const shimmed = this.shims.apply(statement, at);
      // DuckDB's `* EXCLUDE (cols)` is Spark's `* EXCEPT (cols)` (same meaning, Spark >= 3.4 spelling).
      const spark = rewriteRunVariables(shimmed.text, at).replace(/\*\s*EXCLUDE\s*\(/gi, '* EXCEPT (');
      const construct = findDuckdbOnlyConstruct(spark);
      if (construct) {
        throw new PipelineError('INTERNAL', `${at} holds ${construct}, which Spark does not run and no shim in sql/${SPARK_STATEMENTS_FILE} rewrites`);
      }
      return { file, index: i + 1, text: spark, ...(shimmed.shim ? { shim: shimmed.shim } : {}) };
    });
  }

  /**
   * The session's functions: every statement of every sql/engines/spark/*.sql
   * file other than statements.sql and lake.sql (functions.sql, and the other
   * shim files such as staging's), files in name order. Execute them at session
   * start, after the session settings, before any step.
   */
  sessionStatements(): SparkStatement[] {
    const files = this.sql
      .ofEngine('spark')
      .filter((f) => !f.name.slice(SPARK_ENGINE_DIR.length + 1).includes('/'))
      .filter((f) => f.name !== SPARK_STATEMENTS_FILE && f.name !== SPARK_LAKE_FILE);
    return files.flatMap((f) =>
      statementsOf(f.text).map((statement, i) => ({ file: f.name, index: i + 1, text: stripSqlComments(statement).replace(/;$/, '').trim() })),
    );
  }
}

/** The step files of one engine: the shared ones of SHARED_STEP_KINDS, each with the file that engine runs for it. */
export function stepFiles(sql: SqlSnapshot, engine: 'duckdb' | 'spark'): { step: string; file: string }[] {
  const overrides = engine === 'spark' ? sparkOverrides(sql) : new Map<string, EngineSqlFile>();
  return SHARED_STEP_KINDS.flatMap((kind) => sql.ofKind(kind)).map((f) => ({ step: f.name, file: overrides.get(f.name)?.name ?? f.name }));
}
