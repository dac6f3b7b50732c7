import { terminalField } from '../cli/terminalField.js';
import type { OrderExplanation, SourceRef, WindowExplanation } from './explanation.js';

// Paths and reasons come from data (file names, rejected values): printed terminal-safe, one line each.
const at = (s: SourceRef | null) => (s ? `${terminalField(s.path)}${s.line === null ? '' : `:${s.line}`}` : '—');

const STATUS_TEXT: Record<OrderExplanation['status'], string> = {
  counted: 'counted',
  waiting_for_delivery: 'not counted: no delivery has arrived for it',
  waiting_for_customer: 'not counted: its delivery is here, its customer record is not',
  waiting_for_order: 'not counted: its delivery is here, no order row for it has arrived',
  rejected: 'not counted: every row seen for it was rejected',
  withdrawn: 'not counted: the file versions that held it were superseded or retracted',
  unknown: 'never seen',
};

/** The short human form of `explain --order` (paths relative to the data dir, path:line). */
export function printOrderExplanation(e: OrderExplanation, out: (line: string) => void = console.log): void {
  const where = e.customer_id === null ? '' : ` (customer ${e.customer_id}, window from ${e.window_start})`;
  out(`order ${e.order_id}: ${STATUS_TEXT[e.status]}${where}`);
  if (e.order_source) {
    out(`  order     ${at(e.order_source)}`);
    out(`  delivery  ${at(e.delivery_source)}`);
    out(`  customer  ${at(e.customer_source)}`);
  }
  if (e.history.length > 0) out('history, oldest first:');
  for (const h of e.history) {
    out(`  ${h.dataset.padEnd(10)} ${at(h).padEnd(40)} ${h.outcome.padEnd(10)} ${terminalField(h.reason ?? '')}`.trimEnd());
  }
  if (e.quarantined_files.length > 0) out(`quarantined, not read (may hold what is missing):`);
  for (const f of e.quarantined_files) out(`  ${f.dataset.padEnd(10)} ${terminalField(f.path).padEnd(40)} ${terminalField(f.reason ?? '')}`.trimEnd());
}

/** The short human form of `explain --customer --at`. */
export function printWindowExplanation(e: WindowExplanation, out: (line: string) => void = console.log): void {
  out(`customer ${e.customer_id}, window [${e.window_start}, ${e.window_end})`);
  if (e.row) {
    out(`  ecommerce row: ${e.row.Order_Count} orders, Total_Order_Amount ${e.row.Total_Order_Amount}, Total_Delivery_Distance ${e.row.Total_Delivery_Distance}`);
  } else {
    out('  no ecommerce row: no order in this window is counted yet');
  }
  // ids have up to 18 digits: one column as wide as the longest
  const width = Math.max(12, ...[...e.orders, ...e.not_counted].map((o) => String(o.order_id).length));
  if (e.orders.length > 0) out(`counted orders (${e.orders.length}):`);
  for (const o of e.orders) {
    out(`  ${String(o.order_id).padEnd(width)} order ${at(o.order_source)}, delivery ${at(o.delivery_source)}, customer ${at(o.customer_source)}`);
  }
  if (e.not_counted.length > 0) out(`not counted (${e.not_counted.length}):`);
  for (const o of e.not_counted) out(`  ${String(o.order_id).padEnd(width)} ${STATUS_TEXT[o.status]}`);
}
