import { quotedIdentifier, quotedString } from '../warehouse/duckdbApi.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import type { DatasetSpec } from './datasets.js';
import { internal } from './internalColumns.js';
import { MAX_LINE_BYTES, type IncomingSource } from './readIncoming.js';
import { readerRejectLines, stagedRowsWithLines, type StagedLines } from './stagedLines.js';

export interface RejectsTarget {
  fileId: number;
  /** Relative path, as recorded in the ledger. */
  path: string;
  spec: DatasetSpec;
}

/**
 * Builds `rejectsTable` in pipeline_rejects' shape (without run_id): the rows
 * staging rejected and the records the reader itself rejected, each at its
 * physical line, with the row's normalised key where it has a readable one
 * (for `explain`) and the record as the file has it (JSON, Parquet) or its
 * fields as written (CSV).
 */
export async function collectRejects(
  w: Warehouse,
  t: RejectsTarget,
  source: IncomingSource,
  staged: { stagedTable: string; lines: StagedLines },
  rejectsTable: string,
): Promise<void> {
  // JSON, Parquet: the record as the file has it; CSV: its fields as written (a struct).
  const record = source.rawRecordColumn ? `s.${internal('rawRecord')}` : `to_json(s.${internal('rawRecord')})::VARCHAR`;
  const file = `${t.fileId} AS file_id, ${quotedString(t.path)} AS path, ${quotedString(t.spec.name)} AS dataset`;
  const rows = stagedRowsWithLines(staged.lines, staged.stagedTable);
  const reader = readerRejectLines(staged.lines);
  await w.run(`
    CREATE OR REPLACE TEMP TABLE ${rejectsTable} AS
    SELECT ${file}, ${rows.line} AS line, s.${internal('rejectColumn')} AS column_name, s.${internal('rejectReason')} AS reason,
           ${record} AS raw_record, s.${quotedIdentifier(t.spec.key)}::BIGINT AS key
    FROM ${rows.from}
    WHERE s.${internal('rejectReason')} IS NOT NULL
    UNION ALL
    SELECT ${file}, ${reader.line}, r.column_name, r.reason, r.raw_record, ${source.keyOfRejectedRecord('r.raw_record')}
    FROM incoming_structural_rejects r ${reader.join}`);
  for (const long of source.csvLines?.longLines ?? []) {
    await w.run(`UPDATE ${rejectsTable} SET column_name = NULL, reason = $1, raw_record = $2 WHERE line = $3`, [
      `line is ${long.bytes} bytes, over the maximum line size of ${MAX_LINE_BYTES} bytes`,
      `${long.head}… (${long.bytes} bytes)`,
      long.line,
    ]);
  }
}
