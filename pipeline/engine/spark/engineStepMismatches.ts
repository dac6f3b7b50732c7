import type { SqlSnapshot } from '../../warehouse/sqlFiles.js';
import { SHARED_STEP_KINDS, SPARK_ENGINE_DIR, sparkOverrides, stepFiles } from './renderSparkSql.js';

/**
 * Why the two engines' step lists differ, if they do: a Spark override
 * (sql/engines/spark/<kind>/<file>.sql) with no shared step of that name, or
 * in a folder that holds no steps. Empty when both engines run the same steps.
 */
export function engineStepMismatches(sql: SqlSnapshot): string[] {
  const problems: string[] = [];
  const shared = new Set(stepFiles(sql, 'duckdb').map((s) => s.step));
  for (const [step, file] of sparkOverrides(sql)) {
    const kind = step.split('/')[0]!;
    if (!(SHARED_STEP_KINDS as readonly string[]).includes(kind)) {
      problems.push(`sql/${file.name} overrides sql/${step}, which is not a step both engines run (${SHARED_STEP_KINDS.join(', ')})`);
    } else if (!shared.has(step)) {
      problems.push(`sql/${file.name} is a Spark step with no shared sql/${step} (DuckDB would not run it)`);
    }
  }
  const duckdb = stepFiles(sql, 'duckdb').map((s) => s.step);
  const spark = stepFiles(sql, 'spark').map((s) => s.step);
  if (JSON.stringify(duckdb) !== JSON.stringify(spark)) {
    problems.push(`the step lists differ: DuckDB ${duckdb.join(', ')}; Spark (${SPARK_ENGINE_DIR}) ${spark.join(', ')}`);
  }
  return problems;
}
