import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import type { Warehouse } from '../warehouse/Warehouse.js';
import type { DatasetSpec } from './datasets.js';
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
 * (for `explain`) and the record as the file has it (JSON, Parquet) or as parsed.
 */
export async function collectRejects(
  w: Warehouse,
  t: RejectsTarget,
  source: IncomingSource,
  staged: { stagedTable: string; columns: string[]; lines: StagedLines },
  rejectsTable: string,
): Promise<void> {
  const record = source.rawRecordColumn
    ? 's._raw_record'
    : `to_json(struct_pack(${staged.columns.map((c) => `${quotedIdentifier(c)} := s.${quotedIdentifier(c)}`).join(', ')}))::VARCHAR`;
  const file = `${t.fileId} AS file_id, ${quotedString(t.path)} AS path, ${quotedString(t.spec.name)} AS dataset`;
  const rows = stagedRowsWithLines(staged.lines, staged.stagedTable);
  const reader = readerRejectLines(staged.lines);
  await w.run(`
    CREATE OR REPLACE TEMP TABLE ${rejectsTable} AS
    SELECT ${file}, ${rows.line} AS line, s._reject_column AS column_name, s._reject_reason AS reason,
           ${record} AS raw_record, s.${quotedIdentifier(t.spec.key)}::BIGINT AS key
    FROM ${rows.from}
    WHERE s._reject_reason IS NOT NULL
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
