import { PipelineError } from '../../errors/PipelineError.js';
import type { RunVariables } from '../../run/setRunVariables.js';
import type { StepEngine } from '../StepEngine.js';
import type { SparkSqlRenderer } from './renderSparkSql.js';
import type { SparkLake } from './SparkLake.js';

const UNIT_MICROS: Record<string, bigint> = {
  microseconds: 1n, milliseconds: 1000n, seconds: 1_000_000n, minutes: 60_000_000n, hours: 3_600_000_000n,
  days: 86_400_000_000n, weeks: 604_800_000_000n,
};

/**
 * The window (normalised config text, e.g. "10 days") as a Spark day-time
 * interval literal. Months and years have no fixed length: DuckDB's
 * time_bucket aligns them to calendar months, Spark's day-time intervals
 * cannot, so the spark engine refuses them.
 */
export function sparkWindowInterval(window: string): string {
  const m = /^(\d+) (\w+)$/.exec(window);
  const unit = m ? UNIT_MICROS[m[2]!] : undefined;
  if (!m || unit === undefined) {
    throw new PipelineError('ENGINE_UNSUPPORTED', `the spark engine supports windows of fixed length (microseconds … weeks), not ${JSON.stringify(window)}`);
  }
  const micros = BigInt(m[1]!) * unit;
  const secs = `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`;
  return `INTERVAL '${secs}' SECOND`;
}

/** The Spark engine's StepEngine: shared step files rendered through sql/engines/spark/ shims. */
export function sparkSteps(l: SparkLake, render: SparkSqlRenderer): StepEngine {
  return {
    async runStep(_sql, name) {
      for (const s of render.step(name)) await l.run(s.text);
    },
    async count(sql) {
      const statements = render.render('(count)', sql);
      return l.count(statements[0]!.text);
    },
    async setVariables(v: RunVariables) {
      if (v.windowSize !== undefined) await l.run(`SET VAR window_size = ${sparkWindowInterval(v.windowSize)}`);
      if (v.runId !== undefined) await l.run(`SET VAR run_id = ${Math.trunc(v.runId)}`);
      if (v.fullRecompute !== undefined) await l.run(`SET VAR full_recompute = ${v.fullRecompute ? 'true' : 'false'}`);
      if (v.rowsSinceFileId !== undefined) await l.run(`SET VAR rows_since_file_id = ${Math.trunc(v.rowsSinceFileId)}`);
    },
    async recordBatchFiles(files) {
      const rows = [
        ...files.loaded.map((f) => `(${Math.trunc(f)}, 'loaded')`),
        ...files.withdrawn.map((f) => `(${Math.trunc(f)}, 'withdrawn')`),
      ];
      // a scratch table (sql/engines/spark/statements.sql: temp tables), like the steps' own
      const values = rows.length > 0
        ? `SELECT CAST(file_id AS INT) AS file_id, CAST(change AS STRING) AS change FROM VALUES ${rows.join(', ')} AS t(file_id, change)`
        : 'SELECT CAST(NULL AS INT) AS file_id, CAST(NULL AS STRING) AS change WHERE false';
      await l.run(`CREATE OR REPLACE TABLE batch_files USING delta AS ${values}`);
    },
    setBased: (_stage, work) => work(),
  };
}
