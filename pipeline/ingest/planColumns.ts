import { quotedIdentifier } from '@duckdb/node-api';
import { META_COLUMNS, readType, type DatasetSpec } from './datasets.js';
import { normalizeColumnName } from './normalizeColumnName.js';
import type { IncomingSource } from './readIncoming.js';

/** Columns the staging SQL itself outputs: a file may not bring them. */
export const STAGING_OUTPUT = new Set(['_reject_column', '_reject_reason', '_raw_record']);

/**
 * The SELECT list that turns a file's producer column names into the staging
 * SQL's input (relation `incoming`): canonical names, NULL for known columns
 * the file lacks, the raw record last. Returns why the file must be
 * quarantined, if it must (reserved name, two columns meaning one, a required
 * column missing).
 */
export function planColumns(spec: DatasetSpec, source: Pick<IncomingSource, 'columns' | 'rawRecordColumn'>): { select: string[]; problem?: string } {
  const { columns } = source;
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
    select.push(`${quotedIdentifier(producer)} AS ${quotedIdentifier(name)}`);
  }
  const missing = spec.required.filter((c) => !canonical.has(c.toLowerCase()));
  if (missing.length > 0) {
    return {
      select,
      problem: `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${columns.join(', ') || 'none'})`,
    };
  }
  for (const k of spec.known) {
    if (!canonical.has(k.toLowerCase())) select.push(`NULL::${readType(spec, k)} AS ${quotedIdentifier(k)}`);
  }
  if (source.rawRecordColumn) select.push(`${quotedIdentifier(source.rawRecordColumn)} AS _raw_record`);
  return { select };
}
