import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import type { HistoryEntry, OrderExplanation, OrderStatus, QuarantinedFile } from './explanation.js';
import { readOrderState } from './readOrderState.js';
import { readWindowSetting } from './readWindowSetting.js';
import { sourceRef } from './sourceRef.js';

/** Which dataset's record each status is missing: their quarantined files may hold it. */
const MISSING: Record<OrderStatus, QuarantinedFile['dataset'][]> = {
  counted: [],
  waiting_for_delivery: ['Deliveries'],
  waiting_for_customer: ['Customers'],
  waiting_for_order: ['Orders'],
  rejected: ['Orders'],
  withdrawn: ['Orders'],
  unknown: ['Orders', 'Deliveries'],
};

/**
 * Which source rows make up an order, and why it is or is not counted —
 * answered from the warehouse alone (lookups by key; works after --archive and
 * retract). `orderId` is the normalised Order_ID (bigint: up to 18 digits).
 */
export async function explainOrder(w: Warehouse, sql: SqlSnapshot, orderId: bigint): Promise<OrderExplanation> {
  const window = await readWindowSetting(w);
  const state = await readOrderState(w, sql, orderId, window);
  const history = (await w.all(sql.render('explain/order_history.sql'), [orderId])).map(
    (r): HistoryEntry => ({
      dataset: r.dataset as HistoryEntry['dataset'],
      path: String(r.path),
      line: r.line === null ? null : Number(r.line),
      outcome: r.outcome as HistoryEntry['outcome'],
      reason: (r.reason as string | null) ?? null,
    }),
  );
  const status = state
    ? !state.has_delivery ? 'waiting_for_delivery' : !state.has_customer ? 'waiting_for_customer' : 'counted'
    : statusWithoutCurrentOrder(history);
  const missing = MISSING[status];
  const quarantined = missing.length === 0 ? [] : (await w.all<{ path: string; dataset: QuarantinedFile['dataset']; reason: string | null }>(
    sql.render('explain/quarantined_files.sql'),
  )).filter((f) => missing.includes(f.dataset));
  return {
    order_id: orderId,
    status,
    customer_id: state ? Number(state.Customer_ID) : null,
    window_start: state ? String(state.window_start) : null,
    order_source: state ? sourceRef(state.order_path, state.order_line) : null,
    delivery_source: state ? sourceRef(state.delivery_path, state.delivery_line) : null,
    customer_source: state ? sourceRef(state.customer_path, state.customer_line) : null,
    history,
    quarantined_files: quarantined.map((f) => ({ path: f.path, dataset: f.dataset, reason: f.reason })),
  };
}

/**
 * No current order holds the id: the order rows seen decide (withdrawn when
 * any was, else rejected); without any, a current delivery means the order
 * has not arrived, and delivery rows alone decide the same way.
 */
function statusWithoutCurrentOrder(history: HistoryEntry[]): OrderStatus {
  if (history.length === 0) return 'unknown';
  const orders = history.filter((h) => h.dataset === 'Orders');
  const seen = orders.length > 0 ? orders : history;
  if (orders.length === 0 && history.some((h) => h.outcome === 'current')) return 'waiting_for_order';
  return seen.some((h) => h.outcome === 'withdrawn') ? 'withdrawn' : 'rejected';
}
