import { renderSql } from '../warehouse/sqlFiles.js';
import { ident, literal, type Warehouse } from '../warehouse/Warehouse.js';
import { META_COLUMNS, type DatasetSpec } from './datasets.js';
import { normalizeColumnName } from './normalizeColumnName.js';
import { readIncoming } from './readIncoming.js';

export interface IngestTarget {
  fileId: number;
  runId: number;
  /** Relative path, as recorded in the ledger. */
  path: string;
  absPath: string;
  spec: DatasetSpec;
}

export type StageOutcome =
  | { status: 'loaded'; rowsRead: number; rowsLoaded: number; rowsRejected: number; stagedTable: string; rejectsTable: string }
  | { status: 'quarantined'; reason: string; rowsRead: number };

const STAGING_OUTPUT = new Set(['_reject_column', '_reject_reason']);

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.replace(/^[A-Za-z ]+ Error: /, '');
}

/** Maps producer names to canonical ones; returns why the file must be quarantined, if it must. */
function planColumns(spec: DatasetSpec, columns: string[]): { select: string[]; problem?: string } {
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
    select.push(`${ident(producer)} AS ${ident(name)}`);
  }
  const missing = spec.required.filter((c) => !canonical.has(c.toLowerCase()));
  if (missing.length > 0) {
    return {
      select,
      problem: `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${columns.join(', ') || 'none'})`,
    };
  }
  for (const k of spec.known) {
    const type = spec.format === 'csv' ? (spec.parseTypes[k] ?? 'VARCHAR') : 'VARCHAR';
    if (!canonical.has(k.toLowerCase())) select.push(`NULL::${type} AS ${ident(k)}`);
  }
  return { select };
}

/**
 * Reads and stages one file into connection-local temp tables, outside the
 * run's transaction (a DuckDB error aborts a transaction, and one bad file must
 * not stop the others). The file is read once: the reader parses it, the
 * staging SQL (sql/staging/) renames, casts and normalises it, and the result
 * lands in `staged_<fileId>` (rowid = row order in the file) with each row's
 * reject reason; `rejects_<fileId>` holds the rejected rows in pipeline_rejects'
 * shape. A file that cannot be read, or lacks a required column, is quarantined.
 */
export async function stageFile(w: Warehouse, t: IngestTarget): Promise<StageOutcome> {
  const { spec } = t;
  const stagedTable = `staged_${t.fileId}`;
  const rejectsTable = `rejects_${t.fileId}`;
  try {
    let source;
    try {
      source = await readIncoming(w, spec, t.absPath);
    } catch (error) {
      return { status: 'quarantined', rowsRead: 0, reason: `cannot be read: ${firstLine(error)}` };
    }
    const plan = planColumns(spec, source.columns);
    if (plan.problem) return { status: 'quarantined', rowsRead: 0, reason: plan.problem };

    await w.run(`CREATE OR REPLACE TEMP VIEW incoming AS SELECT ${plan.select.join(', ')} FROM ${source.relation}`);
    await w.run(`DROP TABLE IF EXISTS ${stagedTable}`);
    try {
      await w.run(`CREATE TEMP TABLE ${stagedTable} AS ${renderSql(spec.stagingSql)}`);
    } catch (error) {
      return { status: 'quarantined', rowsRead: 0, reason: `cannot be read: ${firstLine(error)}` };
    }
    await source.collectReaderRejects();

    const stagedColumns = (await w.all<{ column_name: string }>(`DESCRIBE ${stagedTable}`))
      .map((r) => r.column_name)
      .filter((c) => !STAGING_OUTPUT.has(c));
    const record = `to_json(struct_pack(${stagedColumns.map((c) => `${ident(c)} := s.${ident(c)}`).join(', ')}))::VARCHAR`;
    // Line of a staged row = its index + the first data line + the reader's rejects before it.
    await w.run(`
      CREATE OR REPLACE TEMP TABLE ${rejectsTable} AS
      WITH gaps AS (
          SELECT line - ${source.firstLine} - (row_number() OVER (ORDER BY line) - 1) AS pos
          FROM incoming_structural_rejects
      )
      SELECT ${t.fileId} AS file_id, ${literal(t.path)} AS path, ${literal(spec.name)} AS dataset,
             s.rowid + ${source.firstLine} + (SELECT count(*) FROM gaps g WHERE g.pos <= s.rowid) AS line,
             s._reject_column AS column_name, s._reject_reason AS reason, ${record} AS raw_record
      FROM ${stagedTable} s
      WHERE s._reject_reason IS NOT NULL
      UNION ALL
      SELECT ${t.fileId}, ${literal(t.path)}, ${literal(spec.name)}, line, column_name, reason, raw_record
      FROM incoming_structural_rejects`);
    const staged = await w.count(`SELECT count(*) FROM ${stagedTable}`);
    const rejected = await w.count(`SELECT count(*) FROM ${rejectsTable}`);
    const valueRejects = await w.count(`SELECT count(*) FROM ${stagedTable} WHERE _reject_reason IS NOT NULL`);
    return {
      status: 'loaded',
      rowsRead: staged + rejected - valueRejects,
      rowsLoaded: staged - valueRejects,
      rowsRejected: rejected,
      stagedTable,
      rejectsTable,
    };
  } finally {
    await w.run('DROP VIEW IF EXISTS incoming');
    await w.run('DROP TABLE IF EXISTS incoming_raw');
    await w.run('DROP TABLE IF EXISTS incoming_structural_rejects');
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
      await w.run(`ALTER TABLE ${spec.rawTable} ADD COLUMN ${ident(c)} VARCHAR`);
      columnsAdded.push(c);
    }
  }
  await w.run(`
    INSERT INTO ${spec.rawTable} BY NAME
    SELECT ${t.fileId} AS _file_id, rowid AS _row, * EXCLUDE (_reject_column, _reject_reason)
    FROM ${staged.stagedTable} WHERE _reject_reason IS NULL`);
  await w.run(`INSERT INTO pipeline_rejects SELECT *, ${t.runId} FROM ${staged.rejectsTable}`);
  await dropStaged(w, staged);
  return columnsAdded;
}
