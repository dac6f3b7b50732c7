import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { META_COLUMNS, readType, type DatasetSpec } from './datasets.js';
import { mapCsvRecordLines } from './mapCsvRecordLines.js';
import { normalizeColumnName } from './normalizeColumnName.js';
import { PrivateReadDir } from './privateReadDir.js';
import { MAX_LINE_BYTES, readIncoming, type IncomingSource } from './readIncoming.js';
import { shortReason } from './shortReason.js';

export interface IngestTarget {
  fileId: number;
  runId: number;
  /** Relative path, as recorded in the ledger. */
  path: string;
  absPath: string;
  spec: DatasetSpec;
  /** The SQL files this run executes (read once per run). */
  sql: SqlSnapshot;
}

export type StageOutcome =
  | { status: 'loaded'; rowsRead: number; rowsLoaded: number; rowsRejected: number; stagedTable: string; rejectsTable: string }
  | { status: 'quarantined'; reason: string; rowsRead: number };

const STAGING_OUTPUT = new Set(['_reject_column', '_reject_reason', '_raw_record']);

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.replace(/^[A-Za-z ]+ Error: /, '');
}

function quarantined(reason: string): StageOutcome {
  return { status: 'quarantined', rowsRead: 0, reason: shortReason(reason) };
}

/** Maps producer names to canonical ones; returns why the file must be quarantined, if it must. */
function planColumns(spec: DatasetSpec, source: IncomingSource): { select: string[]; problem?: string } {
  const { columns } = source;
  const canonical = new Map<string, string>(); // canonical lower -> producer name
  const select: string[] = [];
  for (const producer of columns) {
    const name = normalizeColumnName(spec, producer);
    const lower = name.toLowerCase();
    if (META_COLUMNS.includes(lower) || STAGING_OUTPUT.has(lower)) {
      return { select, problem: `column "${producer}" uses a name reserved by the pipeline` };
    }
    const clash = canonical.get(lower);
    if (clash !== undefined) return { select, problem: `columns "${clash}" and "${producer}" both mean ${name}` };
    canonical.set(lower, producer);
    select.push(`${quotedIdentifier(producer)} AS ${quotedIdentifier(name)}`);
  }
  const missing = spec.required.filter((c) => !canonical.has(c.toLowerCase()));
  if (missing.length > 0) {
    return {
      select,
      problem: `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${columns.join(', ') || 'none'})`,
    };
  }
  for (const k of spec.known) {
    if (!canonical.has(k.toLowerCase())) select.push(`NULL::${readType(spec, k)} AS ${quotedIdentifier(k)}`);
  }
  if (source.rawRecordColumn) select.push(`${quotedIdentifier(source.rawRecordColumn)} AS _raw_record`);
  return { select };
}

/**
 * Reads and stages one file into connection-local temp tables, outside the
 * run's transaction (a DuckDB error aborts a transaction, and one bad file must
 * not stop the others). The file is read once: the reader parses it, the
 * staging SQL (sql/staging/) renames, casts and normalises it, and the result
 * lands in `staged_<fileId>` (rowid = row order in the file) with each row's
 * reject reason; `rejects_<fileId>` holds the rejected rows in pipeline_rejects'
 * shape, with physical line numbers. Every record the file holds is either
 * staged or rejected; when that cannot be shown the file is quarantined, as is
 * a file that cannot be read or lacks a required column.
 */
export async function stageFile(w: Warehouse, t: IngestTarget): Promise<StageOutcome> {
  const { spec } = t;
  const stagedTable = `staged_${t.fileId}`;
  const rejectsTable = `rejects_${t.fileId}`;
  const readDir = PrivateReadDir.create();
  try {
    let source: IncomingSource;
    try {
      source = await readIncoming(w, spec, t.absPath, readDir);
    } catch (error) {
      return quarantined(`cannot be read: ${firstLine(error)}`);
    }
    const plan = planColumns(spec, source);
    if (plan.problem) return quarantined(plan.problem);

    await w.run(`CREATE OR REPLACE TEMP VIEW incoming AS SELECT ${plan.select.join(', ')} FROM ${source.relation}`);
    await w.run(`DROP TABLE IF EXISTS ${stagedTable}`);
    try {
      await w.run(`CREATE TEMP TABLE ${stagedTable} AS ${t.sql.render(spec.stagingSql)}`);
    } catch (error) {
      return quarantined(`cannot be read: ${firstLine(error)}`);
    }
    await source.collectReaderRejects();

    const staged = await w.count(`SELECT count(*) FROM ${stagedTable}`);
    const structural = await w.count('SELECT count(*) FROM incoming_structural_rejects');
    const lineMap = await mapLines(w, source, staged + structural, readDir);
    if (typeof lineMap === 'string') {
      await w.run(`DROP TABLE IF EXISTS ${stagedTable}`);
      return quarantined(lineMap);
    }
    await collectRejects(w, t, source, stagedTable, rejectsTable, lineMap);
    const rejected = await w.count(`SELECT count(*) FROM ${rejectsTable}`);
    const valueRejects = await w.count(`SELECT count(*) FROM ${stagedTable} WHERE _reject_reason IS NOT NULL`);
    return {
      status: 'loaded',
      rowsRead: staged + structural,
      rowsLoaded: staged - valueRejects,
      rowsRejected: rejected,
      stagedTable,
      rejectsTable,
    };
  } finally {
    await w.run('DROP VIEW IF EXISTS incoming');
    await w.run('DROP TABLE IF EXISTS incoming_raw');
    await w.run('DROP TABLE IF EXISTS incoming_structural_rejects');
    await w.run('DROP TABLE IF EXISTS incoming_line_map');
    readDir.remove();
  }
}

/**
 * CSV: proves every physical line is accounted for and, where records and lines
 * differ (a quoted field spanning lines, blank lines), builds temp table
 * incoming_line_map(reader_line, physical_line). Returns whether the map was
 * built, or why the file must be quarantined (the reader consumed records
 * without returning or rejecting them).
 */
async function mapLines(w: Warehouse, source: IncomingSource, recordsSeen: number, readDir: PrivateReadDir): Promise<boolean | string> {
  const lines = source.csvLines;
  if (!lines) return false;
  // One physical line per record (plus the header): nothing spans lines, nothing vanished.
  if (lines.physicalLines === recordsSeen + 1) return false;
  const mapFile = readDir.file('line_map.csv');
  const records = await mapCsvRecordLines(lines.readPath, mapFile);
  if (records !== recordsSeen) {
    return (
      `the CSV reader returned or rejected ${recordsSeen} of the file's ${records} records; ` +
      `quarantined so that no row goes missing (check quoting)`
    );
  }
  await w.run(`
    CREATE OR REPLACE TEMP TABLE incoming_line_map AS
    SELECT * FROM read_csv(${quotedString(mapFile)}, header = true, auto_detect = false,
                           columns = {'reader_line': 'BIGINT', 'physical_line': 'BIGINT'})`);
  return true;
}

/** Builds `rejectsTable`: value rejects from staging and the reader's own rejects, at their physical lines. */
async function collectRejects(
  w: Warehouse,
  t: IngestTarget,
  source: IncomingSource,
  stagedTable: string,
  rejectsTable: string,
  lineMap: boolean,
): Promise<void> {
  const stagedColumns = (await w.all<{ column_name: string }>(`DESCRIBE ${stagedTable}`))
    .map((r) => r.column_name)
    .filter((c) => !STAGING_OUTPUT.has(c));
  const record = source.rawRecordColumn
    ? 's._raw_record'
    : `to_json(struct_pack(${stagedColumns.map((c) => `${quotedIdentifier(c)} := s.${quotedIdentifier(c)}`).join(', ')}))::VARCHAR`;
  const file = `${t.fileId} AS file_id, ${quotedString(t.path)} AS path, ${quotedString(t.spec.name)} AS dataset`;
  if (lineMap) {
    // Staged row k is the k-th record the reader did not reject.
    await w.run(`
      CREATE OR REPLACE TEMP TABLE ${rejectsTable} AS
      WITH good AS (
          SELECT m.physical_line, row_number() OVER (ORDER BY m.reader_line) - 1 AS pos
          FROM incoming_line_map m ANTI JOIN incoming_structural_rejects r ON r.line = m.reader_line
      )
      SELECT ${file}, g.physical_line AS line, s._reject_column AS column_name, s._reject_reason AS reason, ${record} AS raw_record
      FROM ${stagedTable} s JOIN good g ON g.pos = s.rowid
      WHERE s._reject_reason IS NOT NULL
      UNION ALL
      SELECT ${file}, coalesce(m.physical_line, r.line), r.column_name, r.reason, r.raw_record
      FROM incoming_structural_rejects r LEFT JOIN incoming_line_map m ON m.reader_line = r.line`);
  } else {
    // Line of a staged row = its index + the first data line + the reader's rejects before it.
    await w.run(`
      CREATE OR REPLACE TEMP TABLE ${rejectsTable} AS
      WITH gaps AS (
          SELECT line - ${source.firstLine} - (row_number() OVER (ORDER BY line) - 1) AS pos
          FROM incoming_structural_rejects
      )
      SELECT ${file}, s.rowid + ${source.firstLine} + (SELECT count(*) FROM gaps g WHERE g.pos <= s.rowid) AS line,
             s._reject_column AS column_name, s._reject_reason AS reason, ${record} AS raw_record
      FROM ${stagedTable} s
      WHERE s._reject_reason IS NOT NULL
      UNION ALL
      SELECT ${file}, line, column_name, reason, raw_record
      FROM incoming_structural_rejects`);
  }
  for (const long of source.csvLines?.longLines ?? []) {
    await w.run(
      `UPDATE ${rejectsTable} SET column_name = NULL, reason = $1, raw_record = $2 WHERE line = $3`,
      [
        `line is ${long.bytes} bytes, over the maximum line size of ${MAX_LINE_BYTES} bytes`,
        `${long.head}… (${long.bytes} bytes)`,
        long.line,
      ],
    );
  }
}

/** Drops a staged file's temp tables (after loading, or when a run gives up). */
export async function dropStaged(w: Warehouse, staged: { stagedTable: string; rejectsTable: string }): Promise<void> {
  await w.run(`DROP TABLE IF EXISTS ${staged.stagedTable}`);
  await w.run(`DROP TABLE IF EXISTS ${staged.rejectsTable}`);
}

/**
 * Moves a staged file into the warehouse (inside the run's transaction): good
 * rows into raw_<dataset> with _row = their order in the file (adding, as text,
 * columns the raw table has not seen), rejected rows into pipeline_rejects.
 */
export async function loadStagedFile(
  w: Warehouse,
  t: IngestTarget,
  staged: { stagedTable: string; rejectsTable: string },
): Promise<string[]> {
  const { spec } = t;
  const rawColumns = new Set(
    (await w.all<{ column_name: string }>(`DESCRIBE ${spec.rawTable}`)).map((r) => r.column_name.toLowerCase()),
  );
  const stagedColumns = (await w.all<{ column_name: string }>(`DESCRIBE ${staged.stagedTable}`))
    .map((r) => r.column_name)
    .filter((c) => !STAGING_OUTPUT.has(c));
  const columnsAdded: string[] = [];
  for (const c of stagedColumns) {
    if (!rawColumns.has(c.toLowerCase())) {
      await w.run(`ALTER TABLE ${spec.rawTable} ADD COLUMN ${quotedIdentifier(c)} VARCHAR`);
      columnsAdded.push(c);
    }
  }
  await w.run(`
    INSERT INTO ${spec.rawTable} BY NAME
    SELECT ${t.fileId} AS _file_id, rowid AS _row, ${stagedColumns.map((c) => quotedIdentifier(c)).join(', ')}
    FROM ${staged.stagedTable} WHERE _reject_reason IS NULL`);
  await w.run(`INSERT INTO pipeline_rejects SELECT *, ${t.runId} FROM ${staged.rejectsTable}`);
  await dropStaged(w, staged);
  return columnsAdded;
}
