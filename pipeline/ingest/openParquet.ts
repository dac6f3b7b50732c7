import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { keyParser, readType, type DatasetSpec } from './datasets.js';
import { normalizeColumnName } from './normalizeColumnName.js';
import type { PrivateReadDir } from './privateReadDir.js';
import type { IncomingSource } from './readIncoming.js';

const INTEGRAL = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;

/**
 * A column's value as the type staging expects, or NULL when it does not fit
 * (the row is then rejected): a whole-number column must not silently round
 * 3.5, and a zoned timestamp is taken as UTC (the contract's times are naive UTC).
 */
function castTo(column: string, sourceType: string, target: string): string {
  const c = quotedIdentifier(column);
  if (target === 'VARCHAR') return `${c}::VARCHAR`;
  if (target === 'TIMESTAMP' && sourceType.startsWith('TIMESTAMP WITH TIME ZONE')) return `timezone('UTC', ${c})`;
  if (INTEGRAL.test(target) && !INTEGRAL.test(sourceType) && sourceType !== 'VARCHAR') {
    return `CASE WHEN TRY_CAST(${c} AS DOUBLE) = trunc(TRY_CAST(${c} AS DOUBLE)) THEN TRY_CAST(${c} AS ${target}) END`;
  }
  return `TRY_CAST(${c} AS ${target})`;
}

/**
 * Opens a Parquet file of any dataset: its rows are read now into temp table
 * incoming_raw in file order, every known column cast to the type the
 * dataset's staging expects (typed columns — TIMESTAMP, INT64, DOUBLE — and
 * all-text columns both work), unknown columns as text, the record as written
 * kept for rejects. A value that does not fit its column's type rejects the
 * row; the file's other rows load. Throws when the file cannot be read.
 */
export async function openParquet(w: Warehouse, spec: DatasetSpec, absPath: string, readDir: PrivateReadDir): Promise<IncomingSource> {
  const readPath = readDir.link(absPath, 'input.parquet');
  const source = `read_parquet(${quotedString(readPath)})`;
  const described = await w.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${source}`);
  const columns = described.map((d) => d.column_name);
  const casts: string[] = [];
  const checks: string[] = [];
  for (const { column_name: name, column_type: type } of described) {
    const canonical = normalizeColumnName(spec, name);
    const target = spec.known.includes(canonical) ? readType(spec, canonical) : 'VARCHAR';
    const cast = castTo(name, type, target);
    casts.push(`${cast} AS ${quotedIdentifier(name)}`);
    if (target !== 'VARCHAR') {
      const c = quotedIdentifier(name);
      checks.push(
        `WHEN ${c} IS NOT NULL AND (${cast}) IS NULL THEN [${quotedString(canonical)}, ` +
          `${quotedString(`${canonical} `)} || ${c}::VARCHAR || ${quotedString(` does not fit ${target}`)}]`,
      );
    }
  }
  await w.run(`
    CREATE TEMP TABLE incoming_raw AS
    SELECT ${casts.join(', ')},
           ${checks.length ? `CASE ${checks.join(' ')} END` : 'NULL::VARCHAR[]'} AS _reader_reject,
           to_json(p)::VARCHAR AS _raw_record
    FROM ${source} p`);
  const keyColumn = columns.find((c) => normalizeColumnName(spec, c) === spec.key);
  return {
    columns,
    firstLine: 1,
    keyOfRejectedRecord: (raw) =>
      keyColumn === undefined ? 'NULL' : `${keyParser(spec)}(json_extract_string(${raw}, ${quotedString(`$."${keyColumn.replaceAll('"', '\\"')}"`)}))`,
    relation: `(SELECT * EXCLUDE (_reader_reject) FROM incoming_raw WHERE _reader_reject IS NULL)`,
    rawRecordColumn: '_raw_record',
    async collectReaderRejects() {
      await w.run(`
        CREATE TEMP TABLE incoming_structural_rejects AS
        SELECT (rowid + 1)::BIGINT AS line, _reader_reject[1] AS column_name, _reader_reject[2] AS reason, _raw_record AS raw_record
        FROM incoming_raw WHERE _reader_reject IS NOT NULL`);
    },
  };
}
