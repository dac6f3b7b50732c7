import { clip, maxWidth, oneLine, textWidth } from './cellText.js';

/** The warehouse's tables by what they are for (README, "Tables you can query"). */
const GROUPS: { title: string; match: RegExp }[] = [
  { title: 'result', match: /^ecommerce/ },
  { title: 'keyed state (current record per key)', match: /^(cur|current)_/ },
  { title: 'raw (every loaded row of every active file version)', match: /^raw_/ },
  { title: 'pipeline bookkeeping', match: /^pipeline_/ },
];

const DESCRIPTIONS: Record<string, string> = {
  ecommerce: 'the result: one row per (Customer_ID, window), exactly the contract\'s columns',
  ecommerce_state: 'the same plus _version, the run that last changed the row',
  ecommerce_tombstones: 'deleted windows with the _version that deleted them',
  cur_orders: 'keyed current orders (the columns the metrics use)',
  cur_deliveries: 'keyed current deliveries (the columns the metrics use)',
  cur_customers: 'keyed current customers (the columns the metrics use)',
  current_orders: 'view: the whole current record per Order_ID',
  current_deliveries: 'view: the whole current record per Order_ID',
  current_customers: 'view: the whole current record per Customer_ID',
  raw_orders: 'every loaded order row, with _file_id, _row',
  raw_deliveries: 'every loaded delivery row, with _file_id, _row',
  raw_customers: 'every loaded customer record, with _file_id, _row',
  pipeline_files: 'the ledger: every file version, hash, size, mtime, status, rows, reason',
  pipeline_rejects: 'every rejected row: file, line, column, reason, the record',
  pipeline_runs: 'every run: kind, strategy, files, rows, keys changed, groups changed',
  pipeline_sql_files: 'checksums of the SQL files the warehouse was built with',
  pipeline_settings: 'settings the warehouse was built with (window size) and its id',
  pipeline_withdrawn_rows: 'rows of withdrawn (superseded or retracted) file versions: dataset, key, file, line, run',
};

/** `.tables`: the tables and views grouped (result, keyed state, raw, bookkeeping, other), each with one line on what it holds. */
export function renderTableList(tables: { name: string; kind: 'table' | 'view' }[], width?: number): string {
  // A name is printed on one line with its control characters escaped (a table created with ESC in its name).
  const sorted = tables.map((t) => ({ ...t, name: oneLine(t.name) })).sort((a, b) => a.name.localeCompare(b.name));
  const nameWidth = maxWidth(sorted.map((t) => t.name));
  const used = new Set<string>();
  const out: string[] = [];
  const groups = [...GROUPS, { title: 'other', match: /(?:)/ }];
  for (const g of groups) {
    const members = sorted.filter((t) => !used.has(t.name) && g.match.test(t.name));
    if (members.length === 0) continue;
    if (out.length > 0) out.push('');
    out.push(`${g.title}:`);
    for (const t of members) {
      used.add(t.name);
      const about = Object.hasOwn(DESCRIPTIONS, t.name) ? DESCRIPTIONS[t.name]! : t.kind === 'view' ? 'view' : 'table';
      const line = `  ${t.name}${' '.repeat(nameWidth - textWidth(t.name))}  ${about}`;
      out.push(width === undefined ? line : clip(line, width));
    }
  }
  return out.join('\n');
}
