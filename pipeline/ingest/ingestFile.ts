import { quotedIdentifier } from '../warehouse/duckdbApi.js';
import { crashPoint } from '../run/crashPoint.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import type { DatasetSpec } from './datasets.js';
import { collectRejects } from './collectRejects.js';
import { internal, STAGING_OUTPUT } from './internalColumns.js';
import { planColumns } from './planColumns.js';
import { PrivateReadDir } from './privateReadDir.js';
import { readIncoming, type IncomingSource } from './readIncoming.js';
import { buildStagedLines, dropStagedLines, stagedRowsWithLines, type StagedLines } from './stagedLines.js';
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
  | {
      status: 'loaded';
      rowsRead: number;
      rowsLoaded: number;
      rowsRejected: number;
      stagedTable: string;
      rejectsTable: string;
      /** Where each staged row sits in the file (see stagedLines.ts). */
      lines: StagedLines;
    }
  | { status: 'quarantined'; reason: string; rowsRead: number };

/** A staged file, ready to load inside the run's transaction. */
export type StagedFile = Extract<StageOutcome, { status: 'loaded' }>;

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.replace(/^[A-Za-z ]+ Error: /, '');
}

function quarantined(reason: string): StageOutcome {
  return { status: 'quarantined', rowsRead: 0, reason: shortReason(reason) };
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
    // DuckDB names the private link it read (PrivateReadDir); the user knows their file.
    const cannotRead = (error: unknown) => quarantined(`cannot be read: ${readDir.userFacing(firstLine(error), t.path)}`);
    try {
      source = await readIncoming(w, spec, t.absPath, readDir);
    } catch (error) {
      return cannotRead(error);
    }
    crashPoint('while-reading'); // the read folder exists (test: a killed run's folder is removed later)
    const plan = planColumns(spec, source);
    if (plan.problem) return quarantined(plan.problem);

    await w.run(`CREATE OR REPLACE TEMP VIEW incoming AS SELECT ${plan.select.join(', ')} FROM ${source.relation}`);
    await w.run(`DROP TABLE IF EXISTS ${stagedTable}`);
    try {
      await w.run(`CREATE TEMP TABLE ${stagedTable} AS ${t.sql.render(spec.stagingSql)}`);
    } catch (error) {
      return cannotRead(error);
    }
    await source.collectReaderRejects();

    const staged = await w.count(`SELECT count(*) FROM ${stagedTable}`);
    const rejectedByReader = await w.count('SELECT count(*) FROM incoming_structural_rejects');
    const lines = await buildStagedLines(w, source, t.fileId, { staged, rejectedByReader }, readDir);
    if ('quarantine' in lines) {
      await w.run(`DROP TABLE IF EXISTS ${stagedTable}`);
      return quarantined(lines.quarantine);
    }
    await collectRejects(w, t, source, { stagedTable, lines }, rejectsTable);
    const rejected = await w.count(`SELECT count(*) FROM ${rejectsTable}`);
    const valueRejects = await w.count(`SELECT count(*) FROM ${stagedTable} WHERE ${internal('rejectReason')} IS NOT NULL`);
    return {
      status: 'loaded',
      rowsRead: staged + rejectedByReader,
      rowsLoaded: staged - valueRejects,
      rowsRejected: rejected,
      stagedTable,
      rejectsTable,
      lines,
    };
  } finally {
    await w.run('DROP VIEW IF EXISTS incoming');
    await w.run('DROP TABLE IF EXISTS incoming_raw');
    await w.run('DROP TABLE IF EXISTS incoming_structural_rejects');
    await w.run('DROP TABLE IF EXISTS incoming_line_map');
    readDir.remove();
  }
}

/** The staged table's data columns (without the staging outputs). */
async function stagedColumns(w: Warehouse, stagedTable: string): Promise<string[]> {
  return (await w.all<{ column_name: string }>(`DESCRIBE ${stagedTable}`))
    .map((r) => r.column_name)
    .filter((c) => !STAGING_OUTPUT.has(c));
}

/** Drops a staged file's temp tables (after loading, or when a run gives up). */
export async function dropStaged(w: Warehouse, staged: StagedFile): Promise<void> {
  await w.run(`DROP TABLE IF EXISTS ${staged.stagedTable}`);
  await w.run(`DROP TABLE IF EXISTS ${staged.rejectsTable}`);
  await dropStagedLines(w, staged.lines);
}

/**
 * Adds, as text, the columns of a staged file that its raw table has not seen
 * (inside the run's transaction, before any rows go in: DuckDB rewrites the
 * rows a transaction already appended to a table it alters, through the WAL —
 * 63 MB and a 3 s checkpoint for the 10M benchmark's customers). Returns them.
 */
export async function addStagedColumns(w: Warehouse, spec: DatasetSpec, staged: StagedFile): Promise<string[]> {
  return addColumns(w, spec.rawTable, await stagedColumns(w, staged.stagedTable));
}

/** Adds, as text, the `columns` raw table `rawTable` lacks (see addStagedColumns). Returns them. */
export async function addColumns(w: Warehouse, rawTable: string, columns: string[]): Promise<string[]> {
  const rawColumns = new Set(
    (await w.all<{ column_name: string }>(`DESCRIBE ${rawTable}`)).map((r) => r.column_name.toLowerCase()),
  );
  const columnsAdded: string[] = [];
  for (const c of columns) {
    if (!rawColumns.has(c.toLowerCase())) {
      await w.run(`ALTER TABLE ${rawTable} ADD COLUMN ${quotedIdentifier(c)} VARCHAR`);
      columnsAdded.push(c);
    }
  }
  return columnsAdded;
}

/**
 * Moves a staged file into the warehouse (inside the run's transaction, after
 * addStagedColumns): good rows into raw_<dataset> with _row = their order in
 * the file and _line their physical line, rejected rows into pipeline_rejects.
 */
export async function loadStagedFile(w: Warehouse, t: IngestTarget, staged: StagedFile): Promise<void> {
  const columns = await stagedColumns(w, staged.stagedTable);
  const rows = stagedRowsWithLines(staged.lines, staged.stagedTable);
  await w.run(`
    INSERT INTO ${t.spec.rawTable} BY NAME
    SELECT ${t.fileId} AS _file_id, ${rows.pos} AS _row, ${rows.line} AS _line, ${columns.map((c) => `s.${quotedIdentifier(c)}`).join(', ')}
    FROM ${rows.from} WHERE s.${internal('rejectReason')} IS NULL`);
  await w.run(`INSERT INTO pipeline_rejects BY NAME SELECT *, ${t.runId} AS run_id FROM ${staged.rejectsTable}`);
  await dropStaged(w, staged);
}
