import { PipelineError } from '../errors/PipelineError.js';
import { jsonObjects } from '../shell/formatRows.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import type { CountedOrder, WindowExplanation } from './explanation.js';
import { readOrderState } from './readOrderState.js';
import { readWindowSetting } from './readWindowSetting.js';
import { sourceRef } from './sourceRef.js';

/**
 * Which orders make up one `ecommerce` row (customer, window containing
 * `at`), and which of the customer's current orders in that window are not
 * counted, with why. NOT_FOUND when there is neither a row nor an order.
 * `at`: a UTC timestamp as parseAtArg gives it ('2024-03-05 10:00:00').
 */
export async function explainWindow(w: Warehouse, sql: SqlSnapshot, customerId: number, at: string): Promise<WindowExplanation> {
  const window = await readWindowSetting(w);
  const bounds = (await w.one<{ start: string; end: string }>(
    `SELECT strftime(window_start($1::TIMESTAMP, $2::INTERVAL), '%Y-%m-%d %H:%M:%S') AS start,
            strftime(window_start($1::TIMESTAMP, $2::INTERVAL) + $2::INTERVAL, '%Y-%m-%d %H:%M:%S') AS end`,
    [at, window],
  ))!;
  const reader = await w.connection.runAndReadAll(
    `SELECT * FROM ecommerce WHERE Customer_ID = $1 AND start_timestamp = $2::TIMESTAMP`,
    [customerId, bounds.start],
  );
  const row = jsonObjects(reader)[0] ?? null;
  const orders: CountedOrder[] = [];
  const notCounted: WindowExplanation['not_counted'] = [];
  // A window holds a handful of orders: each is looked up by key (pruned scans),
  // cheaper than joining the whole keyed state to the customer's orders.
  const ids = await w.all<{ Order_ID: bigint }>(sql.render('explain/window_orders.sql'), [customerId, bounds.start, window]);
  for (const { Order_ID: orderId } of ids) {
    const o = await readOrderState(w, sql, orderId, window);
    if (!o) continue;
    if (!o.has_delivery) notCounted.push({ order_id: orderId, status: 'waiting_for_delivery' });
    else if (!o.has_customer) notCounted.push({ order_id: orderId, status: 'waiting_for_customer' });
    else {
      // counted: its order, delivery and customer records all exist
      orders.push({
        order_id: orderId,
        order_source: sourceRef(o.order_path, o.order_line)!,
        delivery_source: sourceRef(o.delivery_path, o.delivery_line)!,
        customer_source: sourceRef(o.customer_path, o.customer_line)!,
      });
    }
  }
  if (!row && orders.length === 0 && notCounted.length === 0) {
    throw new PipelineError(
      'NOT_FOUND',
      `customer ${customerId} has no ecommerce row and no current order in the window [${bounds.start}, ${bounds.end}) (window size ${window})`,
    );
  }
  return { customer_id: customerId, window_start: bounds.start, window_end: bounds.end, row, orders, not_counted: notCounted };
}
