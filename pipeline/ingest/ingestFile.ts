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

const INTERNAL_COLUMNS = new Set(['_is_object', '_raw_record']);

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/^[A-Za-z ]+ Error: /, '');
}

/**
 * Reads and stages one file into connection-local temp tables, outside the
 * run's transaction (a DuckDB error aborts a transaction, and one bad file must
 * not stop the others): `staged_<fileId>` holds the typed rows with their
 * reject reason, `rejects_<fileId>` the rejected rows in pipeline_rejects' shape.
 * A file that cannot be read, or lacks a required column, is quarantined.
 */
export async function stageFile(w: Warehouse, t: IngestTarget): Promise<StageOutcome> {
  const { spec } = t;
  try {
    await readIncoming(w, spec, t.absPath);
  } catch (error) {
    return { status: 'quarantined', rowsRead: 0, reason: `cannot be read: ${firstLine(String((error as Error).message ?? error))}` };
  }
  try {
    const columns = (await w.all<{ column_name: string }>(`DESCRIBE incoming_raw`))
      .map((r) => r.column_name)
      .filter((c) => !INTERNAL_COLUMNS.has(c));
    const structural = Number(
      (await w.one<{ n: bigint }>('SELECT count(*) AS n FROM incoming_structural_rejects'))!.n,
    );
    const accepted = Number((await w.one<{ n: bigint }>('SELECT count(*) AS n FROM incoming_raw'))!.n);
    const rowsRead = accepted + structural;

    // Normalise names; two producer columns meaning the same thing is ambiguous.
    const canonical = new Map<string, string>(); // canonical lower -> producer name
    const select: string[] = [];
    for (const producer of columns) {
      const name = normalizeColumnName(spec, producer);
      const lower = name.toLowerCase();
      if (META_COLUMNS.includes(lower) || lower === '_reject_column' || lower === '_reject_reason') {
        return { status: 'quarantined', rowsRead, reason: `column "${producer}" uses a name reserved by the pipeline` };
      }
      const clash = canonical.get(lower);
      if (clash !== undefined) {
        return {
          status: 'quarantined',
          rowsRead,
          reason: `columns "${clash}" and "${producer}" both mean ${name}`,
        };
      }
      canonical.set(lower, producer);
      select.push(`${ident(producer)} AS ${ident(name)}`);
    }
    const missing = spec.required.filter((c) => !canonical.has(c.toLowerCase()));
    if (missing.length > 0) {
      return {
        status: 'quarantined',
        rowsRead,
        reason: `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${columns.join(', ') || 'none'})`,
      };
    }
    for (const k of spec.known) {
      if (!canonical.has(k.toLowerCase())) select.push(`NULL::VARCHAR AS ${ident(k)}`);
    }
    const rawRecord =
      spec.format === 'json'
        ? 'r._raw_record::VARCHAR'
        : `to_json(struct_pack(${columns.map((c) => `${ident(c)} := r.${ident(c)}`).join(', ')}))::VARCHAR`;
    await w.run(`
      CREATE OR REPLACE TEMP VIEW incoming AS
      SELECT rowid AS _row, ${select.join(', ')} FROM incoming_raw`);
    const stagedTable = `staged_${t.fileId}`;
    await w.run(`DROP TABLE IF EXISTS ${stagedTable}`);
    try {
      await w.run(`CREATE TEMP TABLE ${stagedTable} AS ${renderSql(spec.stagingSql)}`);
    } catch (error) {
      return { status: 'quarantined', rowsRead, reason: `staging failed: ${firstLine((error as Error).message)}` };
    }

    const rejectsTable = `rejects_${t.fileId}`;
    const fileCols = `${t.fileId}, ${literal(t.path)}, ${literal(spec.name)}`;
    // Physical line of an accepted row = its index + header + structural rejects before it.
    const lineOf =
      spec.format === 'json'
        ? 's._row + 1'
        : `s._row + 2 + (SELECT count(*) FROM gaps g WHERE g.pos <= s._row)`;
    await w.run(`
      CREATE OR REPLACE TEMP TABLE ${rejectsTable} AS
      WITH gaps AS (
          SELECT line - 2 - (row_number() OVER (ORDER BY line) - 1) AS pos FROM incoming_structural_rejects
      )
      SELECT ${t.fileId} AS file_id, ${literal(t.path)} AS path, ${literal(spec.name)} AS dataset, ${lineOf} AS line, s._reject_column AS column_name, s._reject_reason AS reason,
             ${rawRecord} AS raw_record
      FROM (SELECT _row, _reject_column, _reject_reason FROM ${stagedTable} WHERE _reject_reason IS NOT NULL) s
      JOIN incoming_raw r ON r.rowid = s._row
      UNION ALL
      SELECT ${fileCols}, line, column_name, reason, raw_record
      FROM incoming_structural_rejects`);
    const rejectedValues = Number(
      (await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${stagedTable} WHERE _reject_reason IS NOT NULL`))!.n,
    );
    return {
      status: 'loaded',
      rowsRead,
      rowsLoaded: accepted - rejectedValues,
      rowsRejected: structural + rejectedValues,
      stagedTable,
      rejectsTable,
    };
  } finally {
    await w.run('DROP VIEW IF EXISTS incoming');
    await w.run('DROP TABLE IF EXISTS incoming_raw');
    await w.run('DROP TABLE IF EXISTS incoming_structural_rejects');
  }
}

/**
 * Moves a staged file into the warehouse (inside the run's transaction): good
 * rows into raw_<dataset> (adding columns it has not seen, as text), rejected
 * rows into pipeline_rejects. Drops the temp tables.
 */
export async function loadStagedFile(
  w: Warehouse,
  t: IngestTarget,
  staged: { stagedTable: string; rejectsTable: string },
): Promise<string[]> {
  const { spec } = t;
  // Schema evolution: columns the raw table has not seen yet are added (as text).
  const rawColumns = new Set(
    (await w.all<{ column_name: string }>(`DESCRIBE ${spec.rawTable}`)).map((r) => r.column_name.toLowerCase()),
  );
  const stagedColumns = (await w.all<{ column_name: string }>(`DESCRIBE ${staged.stagedTable}`))
    .map((r) => r.column_name)
    .filter((c) => c !== '_reject_column' && c !== '_reject_reason');
  const columnsAdded: string[] = [];
  for (const c of stagedColumns) {
    if (!rawColumns.has(c.toLowerCase())) {
      await w.run(`ALTER TABLE ${spec.rawTable} ADD COLUMN ${ident(c)} VARCHAR`);
      columnsAdded.push(c);
    }
  }
  await w.run(`
    INSERT INTO ${spec.rawTable} BY NAME
    SELECT ${t.fileId} AS _file_id, * EXCLUDE (_reject_column, _reject_reason)
    FROM ${staged.stagedTable} WHERE _reject_reason IS NULL`);
  await w.run(`INSERT INTO pipeline_rejects SELECT *, ${t.runId} FROM ${staged.rejectsTable}`);
  await w.run(`DROP TABLE ${staged.stagedTable}`);
  await w.run(`DROP TABLE ${staged.rejectsTable}`);
  return columnsAdded;
}
