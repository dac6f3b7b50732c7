import { ident, literal, type Warehouse } from '../warehouse/Warehouse.js';
import type { DatasetSpec } from './datasets.js';
import { normalizeColumnName } from './normalizeColumnName.js';
import { readCsvHeader } from './readCsvHeader.js';

/** One input file, opened for staging. */
export interface IncomingSource {
  /** Column names as the producer wrote them (JSON: already merged per canonical name). */
  columns: string[];
  /** A relation (SQL) yielding the file's rows in file order with those columns. */
  relation: string;
  /** Line of the first data row: 2 for CSV (after the header), 1 for JSON records. */
  firstLine: number;
  /**
   * After the relation has been read: creates temp table
   * incoming_structural_rejects(line, column_name, reason, raw_record) with the
   * rows the reader itself rejected (wrong field count, broken quoting, bad
   * UTF-8, a value that does not parse as its column's type, a JSON record that
   * is not an object).
   */
  collectReaderRejects(): Promise<void>;
}

const CSV_DIALECT = `header = true, delim = ',', quote = '"', escape = '"', compression = 'auto'`;

/**
 * Opens a file for staging. CSV: the header is read directly; known columns are
 * parsed by DuckDB's reader straight into their contract types (spec.parseTypes),
 * every other column as text, and nothing is read until the relation is used.
 * JSON: records are read now, every value as text. Throws when the file cannot be read.
 */
export async function readIncoming(w: Warehouse, spec: DatasetSpec, absPath: string): Promise<IncomingSource> {
  await w.run('DROP TABLE IF EXISTS incoming_raw');
  await w.run('DROP TABLE IF EXISTS incoming_structural_rejects');
  return spec.format === 'csv' ? openCsv(w, spec, absPath) : openJson(w, spec, absPath);
}

async function openCsv(w: Warehouse, spec: DatasetSpec, absPath: string): Promise<IncomingSource> {
  const columns = await readCsvHeader(absPath);
  if (columns.length === 0) throw new Error('the file has no header line');
  const types = columns.map((c) => `${literal(c)}: '${spec.parseTypes[normalizeColumnName(spec, c)] ?? 'VARCHAR'}'`);
  await w.run('DROP TABLE IF EXISTS reject_errors');
  await w.run('DROP TABLE IF EXISTS reject_scans');
  const canonicalCase = columns.map((n) => `WHEN ${literal(n)} THEN ${literal(normalizeColumnName(spec, n))}`).join(' ');
  return {
    columns,
    firstLine: 2,
    // The header is known, so DuckDB need not sniff: the columns are given outright.
    relation: `read_csv(${literal(absPath)}, ${CSV_DIALECT}, auto_detect = false, columns = {${types.join(', ')}},
                        null_padding = false, store_rejects = true)`,
    async collectReaderRejects() {
      // DuckDB's store_rejects tables are temporary and per scan: copy what we need at once.
      await w.run(`
        CREATE TEMP TABLE incoming_structural_rejects AS
        SELECT line::BIGINT AS line,
               ${columns.length ? `CASE any_value(column_name) ${canonicalCase} ELSE any_value(column_name) END` : 'any_value(column_name)'} AS column_name,
               string_agg(DISTINCT error_type || ': ' || error_message, '; ') AS reason,
               any_value(csv_line) AS raw_record
        FROM reject_errors
        GROUP BY line`);
    },
  };
}

async function openJson(w: Warehouse, spec: DatasetSpec, absPath: string): Promise<IncomingSource> {
  try {
    await w.run(`CREATE OR REPLACE TEMP TABLE incoming_json AS SELECT json FROM read_json_objects(${literal(absPath)}, format = 'auto')`);
    const keys = await w.all<{ k: string }>(
      `SELECT DISTINCT unnest(json_keys(json)) AS k FROM incoming_json WHERE json_type(json) = 'OBJECT' ORDER BY k`,
    );
    // JSON records are schemaless one by one: keys that mean the same column
    // (e.g. "Number of employees" / "Number of Employees") are coalesced.
    const groups = new Map<string, string[]>();
    for (const { k } of keys) {
      const lower = normalizeColumnName(spec, k).toLowerCase();
      groups.set(lower, [...(groups.get(lower) ?? []), k]);
    }
    const cols = [...groups.values()].map((ks) => {
      const exprs = ks.map((k) => `json ->> ${literal(k)}`);
      return `${exprs.length === 1 ? exprs[0]! : `coalesce(${exprs.join(', ')})`} AS ${ident(ks[0]!)}`;
    });
    await w.run(`
      CREATE TEMP TABLE incoming_raw AS
      SELECT ${cols.length ? `${cols.join(', ')}, ` : ''} json_type(json) = 'OBJECT' AS _is_object, json::VARCHAR AS _raw_record
      FROM incoming_json`);
  } finally {
    await w.run('DROP TABLE IF EXISTS incoming_json');
  }
  const columns = (await w.all<{ column_name: string }>('DESCRIBE incoming_raw'))
    .map((r) => r.column_name)
    .filter((c) => c !== '_is_object' && c !== '_raw_record');
  return {
    columns,
    firstLine: 1,
    relation: `(SELECT * EXCLUDE (_is_object, _raw_record) FROM incoming_raw WHERE _is_object)`,
    async collectReaderRejects() {
      await w.run(`
        CREATE TEMP TABLE incoming_structural_rejects AS
        SELECT (rowid + 1)::BIGINT AS line, NULL::VARCHAR AS column_name,
               'record is not a JSON object' AS reason, _raw_record AS raw_record
        FROM incoming_raw WHERE NOT _is_object`);
    },
  };
}
