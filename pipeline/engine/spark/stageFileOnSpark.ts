import { PipelineError } from '../../errors/PipelineError.js';
import { DATASETS, fileFormat, type DatasetSpec } from '../../ingest/datasets.js';
import { INTERNAL } from '../../ingest/internalColumns.js';
import { mapColumnNames } from '../../ingest/mapColumnNames.js';
import type { FileReport } from '../../run/applyBatch.js';
import type { SqlSnapshot } from '../../warehouse/sqlFiles.js';
import type { SparkDroppedFile } from './listDropsOnSpark.js';
import type { SparkLake } from './SparkLake.js';
import { sparkIdentifier, sparkLiteralPath, sparkPathIdentifier, sparkString } from './sparkQuote.js';
import type { SparkSqlRenderer } from './renderSparkSql.js';

const id = sparkIdentifier;
const q = (name: keyof typeof INTERNAL) => id(INTERNAL[name]);

/** The reader options per format: every value as text, exactly as written (no inference, no casts). */
function readerOptions(format: 'csv' | 'json' | 'parquet', jsonArray: boolean): string {
  if (format === 'csv') {
    // RFC 4180 quoting ("" inside quotes), the header names the columns, quoted fields may span lines.
    return `header 'true', inferSchema 'false', multiLine 'true', quote '"', escape '"', mode 'PERMISSIVE', enforceSchema 'false'`;
  }
  if (format === 'json') return `primitivesAsString 'true', prefersDecimal 'false', multiLine '${jsonArray ? 'true' : 'false'}', mode 'PERMISSIVE'`;
  return `mergeSchema 'false'`;
}

/** Which columns `incoming` takes from the file, or why the file is quarantined (planColumns' rules). */
function planSparkColumns(spec: DatasetSpec, producer: string[]): { select: string[]; problem?: string } {
  const mapping = mapColumnNames(spec, producer);
  if (mapping.problem) return { select: [], problem: mapping.problem };
  // Only the columns the lake's raw table has are carried (a file's extra columns are not kept by this engine yet).
  const select = mapping.columns
    .filter((c) => spec.known.some((k) => k.toLowerCase() === c.name.toLowerCase()))
    .map((c) => `CAST(s.${id(c.producer)} AS STRING) AS ${id(c.name)}`);
  for (const k of spec.known) if (!mapping.present.has(k.toLowerCase())) select.push(`CAST(NULL AS STRING) AS ${id(k)}`);
  const record = `to_json(named_struct(${producer.map((p) => `${sparkString(p)}, s.${id(p)}`).join(', ')}))`;
  select.push(`${record} AS ${q('rawRecord')}`);
  return { select };
}

/** Spark's column for records its reader cannot parse (a name no input column can have: it holds spaces). */
const CORRUPT = 'pipeline corrupt record';

async function dropCached(l: SparkLake, view: string): Promise<void> {
  await l.run(`UNCACHE TABLE IF EXISTS ${view}`);
  await l.run(`DROP VIEW IF EXISTS ${view}`);
}

export interface SparkStageTarget {
  file: SparkDroppedFile;
  fileId: number;
  runId: number;
}

/**
 * Stages one dropped file on Spark and loads it into the lake (inside the run,
 * after its 'started' commit row): Spark reads the file (the CLI never sees its
 * data), `incoming` gets the file's columns as text under their canonical
 * names, the shared staging SQL (sql/staging/) checks and casts them, good rows
 * go to raw_<dataset> with _row = their order in the file, rejected rows to
 * pipeline_rejects. A file Spark cannot read, or whose columns break the
 * contract, is quarantined with the reason (no rows).
 */
export async function stageFileOnSpark(l: SparkLake, sql: SqlSnapshot, render: SparkSqlRenderer, t: SparkStageTarget): Promise<FileReport> {
  const spec = DATASETS[t.file.dataset];
  const format = fileFormat(spec, t.file.path);
  const base: FileReport = { path: t.file.path, dataset: spec.name, fileId: t.fileId, status: 'loaded', rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 };
  const quarantine = (reason: string): FileReport => ({ ...base, status: 'quarantined', reason });
  const readPath = t.file.sparkPath;
  try {
    let jsonArray = false;
    if (format === 'json') {
      const first = await l.one<{ value: string }>(`SELECT value FROM text.${sparkPathIdentifier(readPath)} WHERE trim(value) <> '' LIMIT 1`);
      jsonArray = (first?.value ?? '').trimStart().startsWith('[');
    }
    const options = readerOptions(format, jsonArray);
    await l.run(`CREATE OR REPLACE TEMPORARY VIEW pipeline_source USING ${format} OPTIONS (path ${sparkLiteralPath(readPath)}, ${options})`);
    const described = await l.all<{ col_name: string }>('DESCRIBE pipeline_source');
    const producer = described.map((r) => String(r.col_name)).filter((c) => c !== '' && !c.startsWith('#') && c !== CORRUPT);
    const plan = planSparkColumns(spec, producer);
    if (plan.problem) return quarantine(plan.problem);
    if (format !== 'parquet') {
      // Read again with the columns found plus Spark's corrupt-record column, so a record
      // with a wrong number of fields or broken JSON is set aside with its text instead of
      // being padded with NULLs (the DuckDB reader rejects those rows too).
      const schema = [...producer, CORRUPT].map((c) => `${id(c)} STRING`).join(', ');
      await l.run(
        `CREATE OR REPLACE TEMPORARY VIEW pipeline_source (${schema}) USING ${format} OPTIONS (path ${sparkLiteralPath(readPath)}, ` +
          `${options.replace("enforceSchema 'false'", "enforceSchema 'true'")}, columnNameOfCorruptRecord ${sparkString(CORRUPT)})`,
      );
    }
    const corrupt = format === 'parquet' ? 'CAST(NULL AS STRING)' : `s.${id(CORRUPT)}`;
    await dropCached(l, 'pipeline_read');
    await l.run(
      `CACHE TABLE pipeline_read AS SELECT ${plan.select.join(', ')}, ${corrupt} AS ${id(CORRUPT)}, ` +
        `row_number() OVER (ORDER BY monotonically_increasing_id()) - 1 AS ${q('position')} FROM pipeline_source s`,
    );
    try {
      await l.run(`CREATE OR REPLACE TEMPORARY VIEW incoming AS SELECT * FROM pipeline_read WHERE ${id(CORRUPT)} IS NULL`);
      const staging = render.render(spec.stagingSql, sql.render(spec.stagingSql));
      if (staging.length !== 1) throw new PipelineError('INTERNAL', `sql/${spec.stagingSql} must be one SELECT (found ${staging.length} statements)`);
      await l.run(`CREATE OR REPLACE TEMPORARY VIEW pipeline_staged AS ${staging[0]!.text}`);
      const counts = await l.one<{ n: bigint; malformed: bigint; good: bigint }>(
        `SELECT (SELECT count(*) FROM pipeline_read) AS n, (SELECT count(*) FROM pipeline_read WHERE ${id(CORRUPT)} IS NOT NULL) AS malformed, ` +
          `(SELECT count(*) FROM pipeline_staged WHERE ${q('rejectReason')} IS NULL) AS good`,
      );
      const rowsRead = Number(counts?.n ?? 0);
      const rowsLoaded = Number(counts?.good ?? 0);
      // CSV: the header is line 1 (exact unless a quoted field spans lines); JSON/Parquet: record number.
      const lineOffset = format === 'csv' ? 2 : 1;
      const cols = spec.known.map((c) => id(c)).join(', ');
      if (rowsLoaded > 0) {
        await l.run(
          `INSERT INTO ${id(spec.rawTable)} BY NAME SELECT ${t.fileId} AS _file_id, ${q('position')} AS _row, ` +
            `${q('position')} + ${lineOffset} AS _line, ${cols} FROM pipeline_staged WHERE ${q('rejectReason')} IS NULL`,
        );
      }
      if (rowsRead > rowsLoaded) {
        const file = `${t.fileId} AS file_id, ${sparkString(t.file.path)} AS path, ${sparkString(spec.name)} AS dataset`;
        const what = format === 'csv' ? 'record does not have the header\'s number of fields (or its quoting is broken)' : 'record is not valid JSON';
        await l.run(
          `INSERT INTO pipeline_rejects BY NAME SELECT ${file}, ${q('position')} + ${lineOffset} AS line, ${q('rejectColumn')} AS column_name, ` +
            `${q('rejectReason')} AS reason, ${q('rawRecord')} AS raw_record, try_cast(${id(spec.key)} AS BIGINT) AS key, ` +
            `${t.runId} AS run_id FROM pipeline_staged WHERE ${q('rejectReason')} IS NOT NULL ` +
            `UNION ALL SELECT ${file}, ${q('position')} + ${lineOffset}, CAST(NULL AS STRING), ${sparkString(what)}, ${id(CORRUPT)}, ` +
            `CAST(NULL AS BIGINT), ${t.runId} FROM pipeline_read WHERE ${id(CORRUPT)} IS NOT NULL`,
        );
      }
      return { ...base, rowsRead, rowsLoaded, rowsRejected: rowsRead - rowsLoaded };
    } finally {
      await dropCached(l, 'pipeline_read');
    }
  } catch (e) {
    // A file Spark cannot read (corrupt gzip, not Parquet, …) is quarantined; anything else stops the run.
    if (e instanceof PipelineError && e.code === 'SPARK_QUERY_FAILED' && /FAILED_READ_FILE|CANNOT_READ|MALFORMED|corrupt|Not in GZIP format|is not a Parquet file|UNABLE_TO_INFER_SCHEMA/i.test(e.message)) {
      return quarantine(`cannot be read: ${e.message.replace(/^Spark: /, '')}`);
    }
    throw e;
  }
}
