import { quotedIdentifier } from '../warehouse/duckdbApi.js';
import type { DatasetSpec } from './datasets.js';
import { internal } from './internalColumns.js';
import { mapColumnNames } from './mapColumnNames.js';
import type { IncomingSource } from './readIncoming.js';

export { STAGING_OUTPUT } from './internalColumns.js';

/**
 * The SELECT list that turns a file's producer column names into the staging
 * SQL's input (relation `incoming`): canonical names, every value as text
 * (typed Parquet columns are already text), NULL for known columns the file
 * lacks, and last the record for rejects (INTERNAL.rawRecord): the source's
 * raw record column (JSON, Parquet) or the fields as written (CSV). Returns why
 * the file must be quarantined, if it must (reserved name, two columns meaning
 * one, a required column missing).
 */
export function planColumns(spec: DatasetSpec, source: Pick<IncomingSource, 'columns' | 'rawRecordColumn'>): { select: string[]; problem?: string } {
  const { columns } = source;
  const mapping = mapColumnNames(spec, columns);
  const select = mapping.columns.map((c) => `${quotedIdentifier(c.producer)} AS ${quotedIdentifier(c.name)}`);
  if (mapping.problem) return { select, problem: mapping.problem };
  const canonical = mapping.present;
  for (const k of spec.known) {
    if (!canonical.has(k.toLowerCase())) select.push(`NULL::VARCHAR AS ${quotedIdentifier(k)}`);
  }
  // CSV: the fields as written (a struct is cheap; it becomes JSON text only for rejected rows).
  const record = source.rawRecordColumn
    ? quotedIdentifier(source.rawRecordColumn)
    : `struct_pack(${columns.map((c) => `${quotedIdentifier(c)} := ${quotedIdentifier(c)}`).join(', ')})`;
  select.push(`${record} AS ${internal('rawRecord')}`);
  return { select };
}
