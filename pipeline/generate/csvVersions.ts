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

/** `2024-03-05 14:22:07` (a cast is several times faster than strftime). */
const tsSpace = (ts: string): string => `date_trunc('second', ${ts})::VARCHAR`;
/** `2024-03-05T14:22:07` */
const tsT = (ts: string): string => `replace(date_trunc('second', ${ts})::VARCHAR, ' ', 'T')`;
/** `2024-03-05T14:22:07.123`, always three fractional digits. */
const tsTMillis = (ts: string): string => `strftime(${ts}, '%Y-%m-%dT%H:%M:%S.%g')`;

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
    { name: 'Order Time', sql: tsSpace('order_ts(i)') },
    { name: 'SKU', sql: 'sku(i)' },
    { name: 'Quantity', sql: 'qty(i)' },
    { name: 'Order Total', sql: 'order_total(i)' },
  ],
  2: [
    { name: 'Order ID', sql: 'order_id_by_market(i)' },
    { name: 'Order Time', sql: tsTMillis('order_ts(i)') },
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
    { name: 'Order Time', sql: tsT('order_ts(i)') },
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
    { name: 'Delivery Time', sql: tsSpace('delivery_ts(i)') },
    { name: 'Distance(m)', sql: 'distance_m(i)' },
  ],
  2: [
    { name: 'Order ID', sql: 'order_id_by_market(i)' },
    { name: 'Driver ID', sql: 'driver_id(i)' },
    { name: 'Distance (m)', sql: 'distance_m(i)' },
    { name: 'Delivery Time', sql: tsSpace('delivery_ts(i)') },
    { name: 'Delivery Status', sql: 'delivery_status(i)' },
  ],
  3: [
    { name: 'Order ID', sql: 'order_id_mixed(i)' },
    { name: 'Delivery Status', sql: 'delivery_status(i)' },
    { name: 'Distance_m', sql: 'distance_m(i)' },
    { name: 'Delivery Time', sql: tsT('delivery_ts(i)') },
    { name: 'Driver ID', sql: 'driver_id(i)' },
    { name: 'Discount', sql: 'money(delivery_discount_cents(i))' },
    { name: 'Tip', sql: 'money(delivery_tip_cents(i))' },
  ],
};
