/**
 * DuckDB macros that define every generated value as a pure function of
 * (seed, row index). Nothing depends on thread scheduling or on the order in
 * which rows are produced, so the same options give the same values.
 *
 * Only DuckDB's `hash()` and exact IEEE arithmetic (+, *, floor) are used, no
 * transcendental functions, so results do not depend on the platform's libm.
 * They do depend on the DuckDB version's `hash()`.
 */
import {
  ARMENIAN_FIRST,
  ARMENIAN_FIRST_LATIN,
  ARMENIAN_LAST,
  ARMENIAN_LAST_LATIN,
  EXPAT_NAMES,
  PORTUGUESE_FIRST,
  PORTUGUESE_LAST,
} from './names.js';

export interface MacroParams {
  seed: number;
  orders: number;
  customers: number;
}

/** First order number; order index i has number FIRST_ORDER_NO + i. */
export const FIRST_ORDER_NO = 100001;
/** Number of distinct SKU codes (at most 99999: codes have five digits). */
export const SKU_COUNT = 3000;
/** Orders are spread over the 366 days of 2024 (naive UTC). */
const EPOCH_MS_2024 = 1704067200000;
const DAYS = 366;
/** Default window size of the pipeline (10 days), for boundary orders. */
const WINDOW_MS = 864000000;
/** Share of customers in the Yerevan market; the rest are in Lisbon. */
const YEREVAN_SHARE = 0.65;

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function sqlList(items: readonly string[]): string {
  return `[${items.map(sqlString).join(', ')}]`;
}

/** `list[...]` pick of a list literal by hash of (seed, key, salt). */
function pick(items: readonly string[], key: string, salt: number): string {
  return `(${sqlList(items)})[1 + (h(${key}, ${salt}) % ${items.length})::BIGINT]`;
}

export function macroStatements(p: MacroParams): string[] {
  const n = Math.max(1, p.orders);
  const c = p.customers;
  return [
    `CREATE OR REPLACE MACRO seed_() AS (${p.seed}::BIGINT)`,
    // 64-bit hash of (seed, key, salt). The salt is mixed in by a second hash:
    // DuckDB's multi-argument hash() combines its last argument by XOR, so
    // hash(s, k, 1) and hash(s, k, 2) would be strongly dependent.
    `CREATE OR REPLACE MACRO h(k, salt) AS hash(xor(hash(seed_(), (k)::BIGINT), (salt)::UBIGINT))`,
    // Uniform double in [0, 1) from (seed, key, salt).
    `CREATE OR REPLACE MACRO u(k, salt) AS ((h(k, salt) >> 11)::DOUBLE / 9007199254740992.0)`,
    // Exact decimal rendering of an integer number of cents / tenths.
    `CREATE OR REPLACE MACRO money(cents) AS (((cents)::BIGINT * 0.01)::DECIMAL(18,2))`,

    // ---- customers -------------------------------------------------------
    `CREATE OR REPLACE MACRO is_yr(cust) AS (u(cust, 101) < ${YEREVAN_SHARE})`,
    `CREATE OR REPLACE MACRO market(cust) AS (CASE WHEN is_yr(cust) THEN 'Yerevan' ELSE 'Lisbon' END)`,
    // Signup dates 2019..2023, increasing with the customer id plus jitter.
    `CREATE OR REPLACE MACRO signup_date(cust) AS (strftime(least(DATE '2023-12-31',
        DATE '2019-01-01' + ((((cust) - 1) * 1826) // ${c} + floor(u(cust, 102) * 30))::INTEGER), '%Y-%m-%d'))`,
    // Log-ish distributed headcount, 3% unknown.
    `CREATE OR REPLACE MACRO employees(cust) AS (CASE
        WHEN u(cust, 103) < 0.03 THEN NULL
        WHEN u(cust, 104) < 0.40 THEN 1 + floor(9 * u(cust, 105))
        WHEN u(cust, 104) < 0.70 THEN 10 + floor(40 * u(cust, 105))
        WHEN u(cust, 104) < 0.90 THEN 50 + floor(200 * u(cust, 105))
        ELSE 250 + floor(4750 * u(cust, 105)) END)::INTEGER`,
    `CREATE OR REPLACE MACRO customer_name(cust) AS (CASE
        WHEN u(cust, 110) < 0.08 THEN ${pick(EXPAT_NAMES, 'cust', 111)}
        WHEN is_yr(cust) AND u(cust, 112) < 0.12 THEN '«' || ${pick(ARMENIAN_LAST, 'cust', 114)} || '» ՍՊԸ'
        WHEN is_yr(cust) AND u(cust, 112) < 0.55 THEN ${pick(ARMENIAN_FIRST, 'cust', 113)} || ' ' || ${pick(ARMENIAN_LAST, 'cust', 114)}
        WHEN is_yr(cust) THEN ${pick(ARMENIAN_FIRST_LATIN, 'cust', 113)} || ' ' || ${pick(ARMENIAN_LAST_LATIN, 'cust', 114)}
        WHEN u(cust, 112) < 0.10 THEN ${pick(PORTUGUESE_LAST, 'cust', 114)} || ' & Filhos, Lda.'
        ELSE ${pick(PORTUGUESE_FIRST, 'cust', 113)} || ' ' || ${pick(PORTUGUESE_LAST, 'cust', 114)} END)`,
    `CREATE OR REPLACE MACRO loyalty_tier(cust) AS (CASE
        WHEN u(cust, 120) < 0.60 THEN 'bronze' WHEN u(cust, 120) < 0.90 THEN 'silver' ELSE 'gold' END)`,

    // ---- orders (i = 0-based order index) --------------------------------
    `CREATE OR REPLACE MACRO order_no(i) AS (${FIRST_ORDER_NO} + (i))`,
    // Mildly skewed towards older (lower-id) customers; always in 1..customers.
    `CREATE OR REPLACE MACRO cust_of(i) AS (1 + least(${c - 1}, floor(${c} * u(i, 1) * (0.6 + 0.4 * u(i, 1))))::BIGINT)`,
    // Day grows with the order number; time of day 08:00-24:00 peaking at 16:00.
    // 0.2% of orders sit exactly on a 10-day window boundary (aligned to
    // 1970-01-01) at or before their day, but not before 2024-01-01 00:00.
    `CREATE OR REPLACE MACRO order_day_ms(i) AS (${EPOCH_MS_2024}::BIGINT + (((i) * ${DAYS}) // ${n}) * 86400000)`,
    `CREATE OR REPLACE MACRO order_ms(i) AS (CASE
        WHEN u(i, 2) < 0.002 THEN greatest(${EPOCH_MS_2024}::BIGINT, (order_day_ms(i) // ${WINDOW_MS}) * ${WINDOW_MS})
        ELSE order_day_ms(i) + (28800000 + floor(28800000 * (u(i, 3) + u(i, 4))))::BIGINT END)`,
    `CREATE OR REPLACE MACRO order_ts(i) AS make_timestamp(order_ms(i) * 1000)`,
    `CREATE OR REPLACE MACRO qty(i) AS (1 + floor(10 * u(i, 5) * u(i, 5)))::INTEGER`,
    `CREATE OR REPLACE MACRO sku_no(i) AS (1 + floor(${SKU_COUNT} * u(i, 6) * (0.25 + 0.75 * u(i, 6))))::BIGINT`,
    `CREATE OR REPLACE MACRO sku(i) AS (
        (['GRC-', 'BEV-', 'HOM-', 'ELC-', 'PHR-', 'BAK-'])[1 + sku_no(i) % 6] || substr((100000 + sku_no(i))::VARCHAR, 2))`,
    // Unit price 0.99 .. 49.98 per SKU.
    `CREATE OR REPLACE MACRO unit_cents(s) AS (99 + h(s, 7) % 4900)::BIGINT`,
    `CREATE OR REPLACE MACRO subtotal_cents(i) AS (qty(i) * unit_cents(sku_no(i)))`,
    `CREATE OR REPLACE MACRO order_discount_cents(i) AS (CASE
        WHEN u(i, 8) < 0.70 THEN 0 ELSE floor(subtotal_cents(i) * (0.05 + 0.20 * u(i, 9))) END)::BIGINT`,
    `CREATE OR REPLACE MACRO order_total(i) AS money(subtotal_cents(i) - order_discount_cents(i))`,
    `CREATE OR REPLACE MACRO order_tip_cents(i) AS (CASE
        WHEN u(i, 10) < 0.55 THEN 0 ELSE 50 + floor(1450 * u(i, 11) * u(i, 11)) END)::BIGINT`,
    `CREATE OR REPLACE MACRO payment_method(i) AS (CASE
        WHEN u(i, 12) < 0.50 THEN 'card' WHEN u(i, 12) < 0.65 THEN 'apple_pay'
        WHEN u(i, 12) < 0.75 THEN 'google_pay' WHEN u(i, 12) < 0.95 THEN 'cash' ELSE 'voucher' END)`,
    // Yerevan orders carry the producer's "YR-<digits>,0" form, Lisbon plain digits.
    `CREATE OR REPLACE MACRO order_id_plain(i) AS order_no(i)::VARCHAR`,
    `CREATE OR REPLACE MACRO order_id_yr(i) AS ('YR-' || order_no(i)::VARCHAR || ',0')`,
    `CREATE OR REPLACE MACRO order_id_by_market(i) AS (CASE WHEN is_yr(cust_of(i)) THEN order_id_yr(i) ELSE order_id_plain(i) END)`,

    // ---- deliveries (same order index i) ---------------------------------
    `CREATE OR REPLACE MACRO delivery_ts(i) AS make_timestamp((order_ms(i) + (720 + floor(4980 * u(i, 20)))::BIGINT * 1000) * 1000)`,
    // Decimetres, 200.0 m .. 15000.0 m, skewed short.
    `CREATE OR REPLACE MACRO distance_dm(i) AS (2000 + floor(148000 * u(i, 21) * (0.35 + 0.65 * u(i, 21))))::BIGINT`,
    `CREATE OR REPLACE MACRO distance_m(i) AS ((distance_dm(i) * 0.1)::DECIMAL(18,1))`,
    `CREATE OR REPLACE MACRO driver_id(i) AS (CASE WHEN is_yr(cust_of(i))
        THEN 1001 + h(i, 22) % 250
        ELSE 2001 + h(i, 22) % 150 END)::INTEGER`,
    `CREATE OR REPLACE MACRO delivery_status(i) AS (CASE
        WHEN u(i, 23) < 0.94 THEN 'delivered' WHEN u(i, 23) < 0.98 THEN 'delivered_late' ELSE 'returned' END)`,
    `CREATE OR REPLACE MACRO delivery_discount_cents(i) AS (CASE
        WHEN u(i, 24) < 0.80 THEN 0 ELSE 99 + floor(300 * u(i, 25)) END)::BIGINT`,
    `CREATE OR REPLACE MACRO delivery_tip_cents(i) AS (CASE
        WHEN u(i, 26) < 0.50 THEN 0 ELSE 50 + floor(750 * u(i, 27)) END)::BIGINT`,
    // Deliveries v3 write half of the Yerevan ids in the YR form, half plain.
    `CREATE OR REPLACE MACRO order_id_mixed(i) AS (CASE
        WHEN is_yr(cust_of(i)) AND u(i, 28) < 0.5 THEN order_id_yr(i) ELSE order_id_plain(i) END)`,
  ];
}
