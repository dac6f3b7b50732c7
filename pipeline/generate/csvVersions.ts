/**
 * Column layouts of the CSV producers, one entry per file version, in the
 * order the producer writes them. `sql` is an expression over the order index
 * `i`, using the macros of sqlMacros.ts.
 */

export interface CsvColumn {
  /** Header text exactly as the producer writes it. */
  name: string;
  sql: string;
}

export type CsvVersion = 1 | 2 | 3;

const TS_SPACE = `'%Y-%m-%d %H:%M:%S'`;
const TS_T = `'%Y-%m-%dT%H:%M:%S'`;
const TS_T_MILLIS = `'%Y-%m-%dT%H:%M:%S.%g'`;

/**
 * Orders.
 * v1: the original six columns, space-separated timestamps, integer Quantity.
 * v2: adds Discount and Tip, reorders, `T` timestamps with milliseconds,
 *     Quantity written as a decimal (`3.0`).
 * v3: v1 order plus Discount, Tip and Payment Method, `T` timestamps.
 */
export const ORDER_VERSIONS: Record<CsvVersion, CsvColumn[]> = {
  1: [
    { name: 'Order ID', sql: 'order_id_by_market(i)' },
    { name: 'Customer ID', sql: 'cust_of(i)' },
    { name: 'Order Time', sql: `strftime(order_ts(i), ${TS_SPACE})` },
    { name: 'SKU', sql: 'sku(i)' },
    { name: 'Quantity', sql: 'qty(i)' },
    { name: 'Order Total', sql: 'order_total(i)' },
  ],
  2: [
    { name: 'Order ID', sql: 'order_id_by_market(i)' },
    { name: 'Order Time', sql: `strftime(order_ts(i), ${TS_T_MILLIS})` },
    { name: 'Customer ID', sql: 'cust_of(i)' },
    { name: 'SKU', sql: 'sku(i)' },
    { name: 'Order Total', sql: 'order_total(i)' },
    { name: 'Quantity', sql: 'qty(i)::DECIMAL(4,1)' },
    { name: 'Discount', sql: 'money(order_discount_cents(i))' },
    { name: 'Tip', sql: 'money(order_tip_cents(i))' },
  ],
  3: [
    { name: 'Order ID', sql: 'order_id_by_market(i)' },
    { name: 'Customer ID', sql: 'cust_of(i)' },
    { name: 'Order Time', sql: `strftime(order_ts(i), ${TS_T})` },
    { name: 'SKU', sql: 'sku(i)' },
    { name: 'Quantity', sql: 'qty(i)' },
    { name: 'Order Total', sql: 'order_total(i)' },
    { name: 'Discount', sql: 'money(order_discount_cents(i))' },
    { name: 'Tip', sql: 'money(order_tip_cents(i))' },
    { name: 'Payment Method', sql: 'payment_method(i)' },
  ],
};

/**
 * Deliveries.
 * v1: `Distance(m)`, Order ID always plain digits.
 * v2: `Distance (m)`, adds Driver ID and Delivery Status; Order ID as the
 *     orders file writes it (YR form for Yerevan).
 * v3: `Distance_m`, adds Discount and Tip, `T` timestamps; Yerevan Order IDs
 *     half in YR form, half plain.
 */
export const DELIVERY_VERSIONS: Record<CsvVersion, CsvColumn[]> = {
  1: [
    { name: 'Order ID', sql: 'order_id_plain(i)' },
    { name: 'Delivery Time', sql: `strftime(delivery_ts(i), ${TS_SPACE})` },
    { name: 'Distance(m)', sql: 'distance_m(i)' },
  ],
  2: [
    { name: 'Order ID', sql: 'order_id_by_market(i)' },
    { name: 'Driver ID', sql: 'driver_id(i)' },
    { name: 'Distance (m)', sql: 'distance_m(i)' },
    { name: 'Delivery Time', sql: `strftime(delivery_ts(i), ${TS_SPACE})` },
    { name: 'Delivery Status', sql: 'delivery_status(i)' },
  ],
  3: [
    { name: 'Order ID', sql: 'order_id_mixed(i)' },
    { name: 'Delivery Status', sql: 'delivery_status(i)' },
    { name: 'Distance_m', sql: 'distance_m(i)' },
    { name: 'Delivery Time', sql: `strftime(delivery_ts(i), ${TS_T})` },
    { name: 'Driver ID', sql: 'driver_id(i)' },
    { name: 'Discount', sql: 'money(delivery_discount_cents(i))' },
    { name: 'Tip', sql: 'money(delivery_tip_cents(i))' },
  ],
};
