import { quotedIdentifier, quotedString } from '../warehouse/duckdbApi.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { keyParser, type DatasetSpec, type ValueType } from './datasets.js';
import { freeColumnName } from './internalColumns.js';
import { normalizeColumnName } from './normalizeColumnName.js';
import type { PrivateReadDir } from './privateReadDir.js';
import type { IncomingSource } from './readIncoming.js';

const INTEGRAL = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const ZONED = /^TIMESTAMP WITH TIME ZONE/;

/**
 * A column's value as text for staging, which checks every value against the
 * contract's grammar as it does a CSV field. Text columns stay as written. A
 * typed value becomes the text of that value: a whole DOUBLE in an integer
 * column its digits (a column widened from integer to decimal), a fractional
 * one its decimal text (rejected by staging, never rounded); a zoned timestamp
 * (anywhere) the UTC time it is, without zone, as the contract's times are
 * naive UTC; another typed timestamp its text.
 */
function asText(column: string, sourceType: string, type: ValueType | undefined): string {
  const c = quotedIdentifier(column);
  if (sourceType === 'VARCHAR') return c;
  if (ZONED.test(sourceType)) return `timezone('UTC', ${c})::VARCHAR`;
  if ((type === 'integer' || type === 'whole') && !INTEGRAL.test(sourceType)) {
    const d = `TRY_CAST(${c} AS DOUBLE)`;
    return `coalesce(CASE WHEN isfinite(${d}) AND ${d} = trunc(${d}) THEN TRY_CAST(${c} AS HUGEINT)::VARCHAR END, ${c}::VARCHAR)`;
  }
  if (type === 'timestamp') return `coalesce(TRY_CAST(${c} AS TIMESTAMP)::VARCHAR, ${c}::VARCHAR)`;
  return `${c}::VARCHAR`;
}

/**
 * Opens a Parquet file of any dataset: its rows are read now into temp table
 * incoming_raw in file order, every column as text (asText: typed columns —
 * TIMESTAMP, INT64, DOUBLE — and all-text columns both work), the record as
 * written kept for rejects. Throws when the file cannot be read.
 */
export async function openParquet(w: Warehouse, spec: DatasetSpec, absPath: string, readDir: PrivateReadDir): Promise<IncomingSource> {
  const readPath = readDir.link(absPath, 'input.parquet');
  const source = `read_parquet(${quotedString(readPath)})`;
  const described = await w.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${source}`);
  const columns = described.map((d) => d.column_name);
  const casts = described.map(({ column_name: name, column_type: type }) => {
    const canonical = normalizeColumnName(spec, name);
    return `${asText(name, type, spec.known.includes(canonical) ? spec.types[canonical] : undefined)} AS ${quotedIdentifier(name)}`;
  });
  // The record under a name no column of the file has.
  const rawRecord = freeColumnName('pipeline raw record', columns);
  await w.run(`
    CREATE TEMP TABLE incoming_raw AS
    SELECT ${casts.length ? `${casts.join(', ')}, ` : ''}to_json(p)::VARCHAR AS ${quotedIdentifier(rawRecord)}
    FROM ${source} p`);
  const keyColumn = columns.find((c) => normalizeColumnName(spec, c) === spec.key);
  return {
    columns,
    firstLine: 1,
    keyOfRejectedRecord: (raw) =>
      keyColumn === undefined ? 'NULL' : `${keyParser(spec)}(json_extract_string(${raw}, ${quotedString(`$."${keyColumn.replaceAll('"', '\\"')}"`)}))`,
    relation: 'incoming_raw',
    rawRecordColumn: rawRecord,
    async collectReaderRejects() {
      // Every value goes on as text: the reader rejects nothing (staging does).
      await w.run(`
        CREATE TEMP TABLE incoming_structural_rejects AS
        SELECT NULL::BIGINT AS line, NULL::VARCHAR AS column_name, NULL::VARCHAR AS reason, NULL::VARCHAR AS raw_record
        WHERE false`);
    },
  };
}
