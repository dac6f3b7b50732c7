import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import type { HistoryEntry, OrderExplanation, OrderStatus } from './explanation.js';
import { readOrderState } from './readOrderState.js';
import { readWindowSetting } from './readWindowSetting.js';
import { sourceRef } from './sourceRef.js';

/**
 * Which source rows make up an order, and why it is or is not counted —
 * answered from the warehouse alone (lookups by key; works after --archive and
 * retract). `orderId` is the normalised Order_ID.
 */
export async function explainOrder(w: Warehouse, sql: SqlSnapshot, orderId: number): Promise<OrderExplanation> {
  const window = await readWindowSetting(w);
  const id = BigInt(orderId);
  const state = await readOrderState(w, sql, id, window);
  const history = (await w.all(sql.render('explain/order_history.sql'), [id])).map(
    (r): HistoryEntry => ({
      dataset: r.dataset as HistoryEntry['dataset'],
      path: String(r.path),
      line: r.line === null ? null : Number(r.line),
      outcome: r.outcome as HistoryEntry['outcome'],
      reason: (r.reason as string | null) ?? null,
    }),
  );
  let status: OrderStatus;
  if (state) {
    status = !state.has_delivery ? 'waiting_for_delivery' : !state.has_customer ? 'waiting_for_customer' : 'counted';
  } else {
    const orders = history.filter((h) => h.dataset === 'Orders');
    if (orders.length === 0) status = 'unknown';
    else if (orders.some((h) => h.outcome === 'withdrawn')) status = 'withdrawn';
    else status = 'rejected';
  }
  return {
    order_id: orderId,
    status,
    customer_id: state ? Number(state.Customer_ID) : null,
    window_start: state ? String(state.window_start) : null,
    order_source: state ? sourceRef(state.order_path, state.order_line) : null,
    delivery_source: state ? sourceRef(state.delivery_path, state.delivery_line) : null,
    customer_source: state ? sourceRef(state.customer_path, state.customer_line) : null,
    history,
  };
}
