import { PipelineError } from '../../errors/PipelineError.js';

/**
 * The run variables the step files read (DuckDB: `getvariable('name')`, set
 * by pipeline/run/setRunVariables.ts; sql/README.md), with their Spark types.
 * The Spark engine declares each at session start:
 * `DECLARE OR REPLACE VARIABLE <name> <sparkType>` (then `SET VAR name = …`).
 */
export const SPARK_RUN_VARIABLES = [
  { name: 'window_size', sparkType: 'INTERVAL DAY TO SECOND' },
  { name: 'run_id', sparkType: 'BIGINT' },
  { name: 'full_recompute', sparkType: 'BOOLEAN' },
  { name: 'rows_since_file_id', sparkType: 'INT' },
  // set by sql/marts/ecommerce_metrics.sql itself (SET VARIABLE -> SET VAR: sql/engines/spark/statements.sql)
  { name: 'affected_from', sparkType: 'TIMESTAMP' },
  { name: 'affected_to', sparkType: 'TIMESTAMP' },
] as const;

export type SparkRunVariable = (typeof SPARK_RUN_VARIABLES)[number]['name'];

const KNOWN = new Set<string>(SPARK_RUN_VARIABLES.map((v) => v.name));

/**
 * `getvariable('name')` -> `system.session.name`: the fully qualified session
 * variable, because Spark resolves a bare name to a column first (a step
 * reading a table with a run_id column would silently read the column).
 * A variable not in SPARK_RUN_VARIABLES is an error: Spark would not have it.
 */
export function rewriteRunVariables(text: string, where: string): string {
  return text.replace(/\bgetvariable\s*\(\s*'([A-Za-z_][A-Za-z0-9_]*)'\s*\)/gi, (_, name: string) => {
    if (!KNOWN.has(name)) {
      throw new PipelineError('INTERNAL', `${where} reads the variable ${name}, which the Spark engine does not declare`);
    }
    return `system.session.${name}`;
  });
}
