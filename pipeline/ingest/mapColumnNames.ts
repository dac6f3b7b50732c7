import { RESERVED_COLUMNS, type DatasetSpec } from './datasets.js';
import { normalizeColumnName } from './normalizeColumnName.js';

export interface ColumnMapping {
  /** Each producer column with its canonical name, in file order. */
  columns: { producer: string; name: string }[];
  /** Lower-cased canonical names the file has. */
  present: Set<string>;
  /** Why the file must be quarantined (reserved name, two columns meaning one, a required column missing). */
  problem?: string;
}

/**
 * The contract's rules for a file's column names (docs/contract.md, "Columns
 * as producers write them"), shared by both engines' readers: normalised
 * names, no reserved name, no two columns meaning one, every required column.
 */
export function mapColumnNames(spec: DatasetSpec, producerColumns: string[]): ColumnMapping {
  const canonical = new Map<string, string>(); // canonical lower -> producer name
  const columns: ColumnMapping['columns'] = [];
  const present = new Set<string>();
  for (const producer of producerColumns) {
    const name = normalizeColumnName(spec, producer);
    const lower = name.toLowerCase();
    if (RESERVED_COLUMNS.includes(lower)) {
      return { columns, present, problem: `column "${producer}" uses the name ${name}, reserved by the pipeline (reserved: ${RESERVED_COLUMNS.join(', ')})` };
    }
    const clash = canonical.get(lower);
    if (clash !== undefined) return { columns, present, problem: `columns "${clash}" and "${producer}" both mean ${name}` };
    canonical.set(lower, producer);
    present.add(lower);
    columns.push({ producer, name });
  }
  const missing = spec.required.filter((c) => !canonical.has(c.toLowerCase()));
  if (missing.length > 0) {
    const problem = `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${producerColumns.join(', ') || 'none'})`;
    return { columns, present, problem };
  }
  return { columns, present };
}
