import { quotedIdentifier, quotedString } from '../warehouse/duckdbApi.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { copyWithoutLongLines } from './copyWithoutLongLines.js';
import { fileFormat, keyParser, type DatasetSpec } from './datasets.js';
import { freeColumnName } from './internalColumns.js';
import { openParquet } from './openParquet.js';
import { normalizeColumnName } from './normalizeColumnName.js';
import type { PrivateReadDir } from './privateReadDir.js';
import { readCsvHeader } from './readCsvHeader.js';
import { takeCsvScan } from './prefetchCsvScan.js';
import type { LongLine } from './scanCsvLines.js';

/**
 * The longest line the CSV reader is given (DuckDB's default max_line_size,
 * passed explicitly); longer lines are rejected rows.
 */
export const MAX_LINE_BYTES = 2_000_000;

/** Physical-line facts about a CSV file, for exact line numbers and accounting. */
export interface CsvLines {
  physicalLines: number;
  /** Lines over MAX_LINE_BYTES: replaced before reading, rejected with their size. */
  longLines: LongLine[];
  /** The glob-free path the reader was given (a symlink or a cleaned copy). */
  readPath: string;
}

/** One input file, opened for staging. */
export interface IncomingSource {
  /** Column names as the producer wrote them (JSON: already merged per canonical name). */
  columns: string[];
  /** A relation (SQL) yielding the file's rows in file order with those columns. */
  relation: string;
  /** Line of the first data row: 2 for CSV (after the header), 1 for JSON records. */
  firstLine: number;
  /** Column of `relation` holding each record exactly as the file has it (JSON). */
  rawRecordColumn?: string;
  /**
   * SQL for the normalised key of a record the reader rejected, from its text
   * (`rawRecord`: a SQL expression), or NULL when it has no readable key.
   */
  keyOfRejectedRecord(rawRecord: string): string;
  /** CSV only: physical lines, for exact reject line numbers and the read = loaded + rejected check. */
  csvLines?: CsvLines;
  /**
   * After the relation has been read: creates temp table
   * incoming_structural_rejects(line, column_name, reason, raw_record) with the
   * rows the reader itself rejected (wrong field count, broken quoting, bad
   * UTF-8, a value that does not parse as its column's type, a JSON record that
   * is not an object).
   */
  collectReaderRejects(): Promise<void>;
}

export const CSV_DIALECT = `header = true, delim = ',', quote = '"', escape = '"', compression = 'auto', max_line_size = ${MAX_LINE_BYTES}`;

/**
 * Opens a file for staging. Every value is handed on as text, as written: the
 * staging SQL checks it against the contract's grammar before casting (DuckDB's
 * casts would turn '3.5' into the integer 4). CSV: the header is read directly,
 * and nothing is read until the relation is used. JSON: records are read now.
 * Throws when the file cannot be read.
 */
export async function readIncoming(
  w: Warehouse,
  spec: DatasetSpec,
  absPath: string,
  readDir: PrivateReadDir,
): Promise<IncomingSource> {
  await w.run('DROP TABLE IF EXISTS incoming_raw');
  await w.run('DROP TABLE IF EXISTS incoming_structural_rejects');
  const format = fileFormat(spec, absPath);
  if (format === 'parquet') return openParquet(w, spec, absPath, readDir);
  return format === 'csv' ? openCsv(w, spec, absPath, readDir) : openJson(w, spec, absPath, readDir);
}

async function openCsv(w: Warehouse, spec: DatasetSpec, absPath: string, readDir: PrivateReadDir): Promise<IncomingSource> {
  const scan = await takeCsvScan(absPath, MAX_LINE_BYTES);
  const longHeader = scan.longLines.find((l) => l.line === 1);
  if (longHeader) throw new Error(`the header line is ${longHeader.bytes} bytes, over the maximum line size of ${MAX_LINE_BYTES} bytes`);
  const columns = await readCsvHeader(absPath);
  if (columns.length === 0) throw new Error('the file has no header line');
  // A producer's file name never reaches SQL (DuckDB would read it as a glob):
  // the reader gets a plain-named link, or a copy without the over-long lines.
  let readPath: string;
  if (scan.longLines.length > 0) {
    readPath = readDir.file('input.csv');
    await copyWithoutLongLines(absPath, readPath, scan.longLines.map((l) => l.line));
  } else {
    readPath = readDir.link(absPath, 'input.csv');
  }
  const types = columns.map((c) => `${quotedString(c)}: 'VARCHAR'`);
  await w.run('DROP TABLE IF EXISTS reject_errors');
  await w.run('DROP TABLE IF EXISTS reject_scans');
  const canonicalCase = columns.map((n) => `WHEN ${quotedString(n)} THEN ${quotedString(normalizeColumnName(spec, n))}`).join(' ');
  const keyIndex = columns.findIndex((c) => normalizeColumnName(spec, c) === spec.key);
  return {
    columns,
    firstLine: 2,
    keyOfRejectedRecord: (raw) => (keyIndex < 0 ? 'NULL' : `${keyParser(spec)}(${csvField(raw, keyIndex)})`),
    csvLines: { physicalLines: scan.physicalLines, longLines: scan.longLines, readPath },
    // The header is known, so DuckDB need not sniff: the columns are given outright.
    relation: `read_csv(${quotedString(readPath)}, ${CSV_DIALECT}, auto_detect = false, columns = {${types.join(', ')}},
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

async function openJson(w: Warehouse, spec: DatasetSpec, absPath: string, readDir: PrivateReadDir): Promise<IncomingSource> {
  const readPath = readDir.link(absPath, 'input.json');
  let columns: string[] = [];
  let isObject = '';
  let rawRecord = '';
  try {
    await w.run(`CREATE OR REPLACE TEMP TABLE incoming_json AS SELECT json FROM read_json_objects(${quotedString(readPath)}, format = 'auto')`);
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
    columns = [...groups.values()].map((ks) => ks[0]!);
    // The reader's own columns, under names no key of the file has.
    isObject = freeColumnName('pipeline is object', columns);
    rawRecord = freeColumnName('pipeline raw record', columns);
    const cols = [...groups.values()].map((ks) => {
      const exprs = ks.map((k) => `json ->> ${quotedString(k)}`);
      return `${exprs.length === 1 ? exprs[0]! : `coalesce(${exprs.join(', ')})`} AS ${quotedIdentifier(ks[0]!)}`;
    });
    await w.run(`
      CREATE TEMP TABLE incoming_raw AS
      SELECT ${cols.length ? `${cols.join(', ')}, ` : ''} json_type(json) = 'OBJECT' AS ${quotedIdentifier(isObject)},
             json::VARCHAR AS ${quotedIdentifier(rawRecord)}
      FROM incoming_json`);
  } finally {
    await w.run('DROP TABLE IF EXISTS incoming_json');
  }
  const flag = quotedIdentifier(isObject);
  return {
    columns,
    firstLine: 1,
    keyOfRejectedRecord: () => 'NULL', // the reader rejects only records that are not objects
    relation: `(SELECT * EXCLUDE (${flag}) FROM incoming_raw WHERE ${flag})`,
    rawRecordColumn: rawRecord,
    async collectReaderRejects() {
      await w.run(`
        CREATE TEMP TABLE incoming_structural_rejects AS
        SELECT (rowid + 1)::BIGINT AS line, NULL::VARCHAR AS column_name,
               'record is not a JSON object' AS reason, ${quotedIdentifier(rawRecord)} AS raw_record
        FROM incoming_raw WHERE NOT ${flag}`);
    },
  };
}

/**
 * SQL for the text of field `index` (0-based) of a CSV record held in `line`
 * (RFC 4180 quoting; DuckDB's rejected-line text may start with the newlines
 * of blank lines before it), unquoted.
 */
function csvField(line: string, index: number): string {
  const field = `regexp_extract(ltrim(${line}, chr(10) || chr(13)), '^(?:(?:"(?:[^"]|"")*"|[^,"]*),){${index}}("(?:[^"]|"")*"|[^,"\r\n]*)', 1)`;
  return `(CASE WHEN ${field} LIKE '"%' THEN replace(${field}[2:-2], '""', '"') ELSE ${field} END)`;
}
