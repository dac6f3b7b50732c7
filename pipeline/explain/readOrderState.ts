import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Row, Warehouse } from '../warehouse/Warehouse.js';

/**
 * The current order `orderId` with where its record, delivery and customer
 * come from (sql/explain/order_state.sql), or undefined when no current order
 * holds the id. `window`: the window size, e.g. '10 days'.
 */
export async function readOrderState(w: Warehouse, sql: SqlSnapshot, orderId: bigint, window: string): Promise<Row | undefined> {
  const text = sql.render('explain/order_state.sql', { order_sources: sql.render('explain/order_sources.sql') });
  return w.one(text, [orderId, window]);
}
