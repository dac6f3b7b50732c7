import { quotedIdentifier } from './duckdbApi.js';
import { DATASET_LIST } from '../ingest/datasets.js';
import type { Warehouse } from './Warehouse.js';

/** What repairs what the probe and the data tests find (the data tests' `-- Repair:` headers say the same). */
export const REPAIR_ADVICE = '`pipeline check` lists the rows; `pipeline rebuild` repairs it (recomputes from the raw tables, drops raw rows no ledger entry accounts for)';

/**
 * The cheap part of `pipeline check`, for every run and status: invariants
 * between the ledger, the raw tables, the keyed state and the result that
 * hold in every warehouse a run left, read from row counts and one column sum
 * (milliseconds). Damage by hand (`sql --write`: rows deleted from
 * ecommerce_state, cur_*, raw_* or pipeline_files) breaks one of them. The
 * full check is the data tests in sql/tests/. Returns one sentence per broken
 * invariant (none = nothing found).
 */
export async function consistencyProbe(w: Warehouse): Promise<string[]> {
  const problems: string[] = [];
  const keyed: Record<string, string> = { Orders: 'cur_orders', Deliveries: 'cur_deliveries', Customers: 'cur_customers' };
  for (const d of DATASET_LIST) {
    const row = await w.one<{ raw: bigint; ledger: bigint; cur: bigint }>(
      `SELECT (SELECT count(*) FROM ${quotedIdentifier(d.rawTable)}) AS raw,
              (SELECT coalesce(sum(rows_loaded), 0) FROM pipeline_files WHERE dataset = $1 AND status = 'loaded')::BIGINT AS ledger,
              (SELECT count(*) FROM ${quotedIdentifier(keyed[d.name]!)}) AS cur`,
      [d.name],
    );
    const raw = Number(row!.raw);
    const ledger = Number(row!.ledger);
    const cur = Number(row!.cur);
    if (raw !== ledger) problems.push(`${d.rawTable} holds ${raw} rows, the ledger's loaded ${d.name} files account for ${ledger}`);
    if (cur > raw || (raw > 0 && cur === 0)) problems.push(`${keyed[d.name]} holds ${cur} keys for ${raw} raw rows`);
  }
  const result = await w.one<{ groups: bigint; orders: bigint | null; cur: bigint }>(
    `SELECT count(*) AS groups, sum(Order_Count)::BIGINT AS orders, (SELECT count(*) FROM cur_orders) AS cur FROM ecommerce_state`,
  );
  const counted = Number(result!.orders ?? 0);
  if (counted > Number(result!.cur)) problems.push(`ecommerce counts ${counted} orders, the keyed state holds ${Number(result!.cur)}`);
  if (Number(result!.groups) === 0) {
    const any = await w.count(
      `SELECT count(*) FROM (SELECT 1 FROM cur_orders o JOIN cur_deliveries d ON d.Order_ID = o.Order_ID
                             JOIN cur_customers c ON c.Customer_ID = o.Customer_ID LIMIT 1)`,
    );
    if (any > 0) problems.push('ecommerce is empty, but the keyed state has orders with their delivery and customer');
  }
  return problems;
}

/** One warning for a run or status: what disagrees and what repairs it. */
export function inconsistencyWarning(problems: string[]): string {
  return `the warehouse disagrees with itself (${problems.join('; ')}): ${REPAIR_ADVICE}`;
}
