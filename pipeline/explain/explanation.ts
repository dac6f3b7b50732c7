/** Where a record comes from: its file (relative to the data dir) and physical line (header = 1). */
export interface SourceRef {
  path: string;
  line: number | null;
}

/**
 * Why an order is, or is not, in `ecommerce` (checked in this order):
 * counted, waiting_for_delivery, waiting_for_customer (a current order); then
 * for an id no current order holds: waiting_for_order (no order row was ever
 * seen, its delivery is here), rejected (every row seen was rejected),
 * withdrawn (its file versions were superseded or retracted), unknown (no row
 * of it was ever seen).
 */
export type OrderStatus =
  | 'counted'
  | 'waiting_for_delivery'
  | 'waiting_for_customer'
  | 'waiting_for_order'
  | 'rejected'
  | 'withdrawn'
  | 'unknown';

export interface HistoryEntry {
  dataset: 'Orders' | 'Deliveries';
  path: string;
  line: number | null;
  outcome: 'current' | 'overridden' | 'withdrawn' | 'rejected';
  reason: string | null;
}

/** A file whose current version is quarantined: nothing of it was read, so it may hold a record explain cannot see. */
export interface QuarantinedFile {
  path: string;
  dataset: 'Orders' | 'Deliveries' | 'Customers';
  reason: string | null;
}

/** Order ids are bigint: the contract allows 18 digits, beyond a JS number's 2^53. */
export interface OrderExplanation {
  order_id: bigint;
  status: OrderStatus;
  customer_id: number | null;
  window_start: string | null;
  order_source: SourceRef | null;
  delivery_source: SourceRef | null;
  customer_source: SourceRef | null;
  history: HistoryEntry[];
  /**
   * The quarantined files of the datasets whose record of this order is
   * missing (Orders when no current order holds it, Deliveries when its
   * delivery is missing, Customers when its customer is): they were not read.
   */
  quarantined_files: QuarantinedFile[];
}

export interface CountedOrder {
  order_id: bigint;
  order_source: SourceRef;
  delivery_source: SourceRef;
  customer_source: SourceRef;
}

export interface WindowExplanation {
  customer_id: number;
  window_start: string;
  window_end: string;
  /** The `ecommerce` row (its 13 columns), or null when the window has no counted order. */
  row: Record<string, unknown> | null;
  /** Exactly the orders counted in the row. */
  orders: CountedOrder[];
  /** The customer's current orders in the window that are not counted, with why. */
  not_counted: { order_id: bigint; status: Extract<OrderStatus, 'waiting_for_delivery' | 'waiting_for_customer'> }[];
}
