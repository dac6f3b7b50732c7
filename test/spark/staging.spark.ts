import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sparkIdentifier, sparkString } from '../../pipeline/engine/spark/sparkQuote.js';
import { DATASETS, type DatasetSpec } from '../../pipeline/ingest/datasets.js';
import { INTERNAL } from '../../pipeline/ingest/internalColumns.js';
import { SparkConnectClient } from '../../pipeline/spark/SparkConnectClient.js';
import { migrateWarehouse } from '../../pipeline/warehouse/migrateWarehouse.js';
import { SQL_DIR, SqlSnapshot } from '../../pipeline/warehouse/sqlFiles.js';
import { Warehouse } from '../../pipeline/warehouse/Warehouse.js';

// Issue 17, "one algorithm": the staging SQL (sql/staging/) is one text for both
// engines. Fed the same `incoming` (every value as text), DuckDB (migrated
// warehouse: the V002/V004/V006 macros) and Spark (sql/engines/spark/values.sql)
// must give the same rows: every loaded value, the reject column and reason, the
// raw record, the file's extra columns. Timestamps compared in microseconds.

const remote = inject('sparkRemote');
const SPARK_SETTINGS = ['SET spark.sql.ansi.doubleQuotedIdentifiers = true', 'SET spark.sql.session.timeZone = UTC'];

/** The one spelling the Spark renderer changes in staging text: DuckDB's `* EXCLUDE (…)` is Spark's `* EXCEPT (…)`. */
function sparkStagingText(duckdbText: string): string {
  return duckdbText.replace(/\* EXCLUDE \(/g, '* EXCEPT (');
}

/** values.sql, statement by statement (as the engine runs it at session start). */
export function sparkValueFunctions(): string[] {
  const text = fs.readFileSync(path.join(SQL_DIR, 'engines/spark/values.sql'), 'utf8');
  return text
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}

// Values from docs/contract.md ("Exact values") and test/exactValues.test.ts, plus DuckDB's edges.
const IDS = [
  'YR-123,0', '123', ' 42 ', 'YR-0,0', '007', 'YR-123', '123,0', 'yr-12,0', 'YR--1,0', '-5', '1.5', '', '  ', null, 'abc',
  '123456789012345678', '1234567890123456789', '9007199254740993', 'YR-9007199254740993,0', '999999999999999999',
  '12\n', 'YR-12,0\n', '\t12', '１２', "O'Brien",
];
const INTEGERS = [
  '42', '+7', '-2', ' 12 ', '3.5', '3.0', '0x10', '1_000', '1e1', '2147483647', '2147483648', '-2147483648', '-2147483649',
  '', '  ', null, 'nan', 'inf', '12\n', '٣', '00012', '+-1', '1 2',
];
const WHOLES = [
  '3', '3.0', '3.00', '3.5', '2.5', ' 12 ', '+3', '-0', '1_000', '0x10', '1e1', '1e16', '.5', '3.', '9000000000000000',
  '9000000000000001', '-9000000000000000', '-9000000000000001', '9223372036854775807', '9223372036854775808',
  '-9223372036854775808', '99999999999999999999999', '1' + '0'.repeat(45), 'nan', 'inf', '-Infinity', '', null, '12\n', '٣',
];
const DECIMALS = [
  '10', '-0.25', '1.5e2', '1.5E+2', '1e', '1_0.5', '0x10', '.5', '5.', 'nan', 'NaN', 'inf', 'infinity', '-inf', ' +Infinity ',
  '1e400', '-1e400', '1e-400', '-0', '-0.0', '3.0', ' 12 ', '0.1', '1.7976931348623157e308', '1.7976931348623159e308',
  '4.9e-324', '2.4703282292062328e-324', '123456789012345678901234567890', '0.30000000000000004441', '', '  ', null, '12\n',
  '５', '1.5d', '1,5',
];
const TIMESTAMPS = [
  '2024-03-08 02:00:00', '2024-03-08T02:00:00.5+05:00', '2024-03-08', 'infinity', '-infinity', 'NaN',
  '2024-03-08 02:00 Europe/Berlin', '2024-02-30 10:00', '2023-02-29', '2024-02-29', '2024-13-01', '2024-00-10', '2024-01-00',
  '2024-01-01T10:00:00Z', '2024-01-01 10:00:00+05', '2024-01-01 10:00:00-0530', '2024-01-01 10:00:00+05:30',
  '2024-01-01 10:00:00.123456789', '2024-01-01 10:00:00.9999999', '2024-01-01 10:00:00.000001-00:01',
  '2024-01-01 10:00:00.5Z', '2024-01-01 10:00', '2024-01-01T10:00', '2024-01-01T10', '2024-1-01',
  // DuckDB's casts: no zone after hh:mm, no blanks after a value without seconds
  '2024-01-01 10:00Z', '2024-01-01 10:00+05', '2024-01-01 ', ' 2024-01-01', '2024-01-01 10:00 ', '2024-01-01 10:00:00 ',
  '  2024-01-01T10:00:00+05 ', '2024-01-01 10:00:00Z  ', '2024-01-01  10:00:00', '2024-01-01 10:00:00 Z', '2024-01-01T10:00:00z',
  // 24:00 is the next midnight; 60 minutes or seconds are not a time; offsets are hh * 60 + mm minutes
  '2024-01-01 24:00:00', '2024-01-01 24:00', '2024-01-01 24:00:00.0', '2024-01-01 24:00:00.000001', '2024-01-01 24:00:00.0000001',
  '2024-01-01 24:00:01', '2024-01-01 24:00:00+05', '2024-01-01 25:00:00', '2024-01-01 23:60:00', '2024-01-01 23:59:60',
  '2024-01-01 10:00:00+24', '2024-01-01 10:00:00+25', '2024-01-01 10:00:00+05:60', '2024-01-01 10:00:00+0599',
  '2024-01-01 10:00:00-99:99', '2024-01-01 10:00:00+00', '2024-01-01 10:00:00-00',
  '0000-01-01', '0000-02-29', '0001-01-01T00:00:00+01', '9999-12-31 23:59:59.999999', '9999-12-31 24:00', '12024-01-01',
  '2024-01-01T10:00:00Z\n', '', '  ', null,
];
const TEXTS = ['S-1', '', ' ', null, "it's", 'a|b', 'Zoë'];

interface Case {
  name: string;
  spec: DatasetSpec;
  /** A good row: every known column of the dataset. */
  base: Record<string, string | null>;
  /** Known column -> values to try, one row each. */
  probes: Record<string, (string | null)[]>;
}

const CASES: Case[] = [
  {
    name: 'Orders',
    spec: DATASETS.Orders,
    base: {
      Order_ID: 'YR-1,0', Customer_ID: '7', Order_Time: '2024-03-08 02:00:00', SKU: 'S-1', Quantity: '2', Order_Total: '10.5',
      Order_Discount: '', Order_Tip: null, Payment_Method: 'card',
    },
    probes: {
      Order_ID: IDS, Customer_ID: INTEGERS, Order_Time: TIMESTAMPS, SKU: TEXTS, Quantity: WHOLES, Order_Total: DECIMALS,
      Order_Discount: DECIMALS, Order_Tip: DECIMALS, Payment_Method: TEXTS,
    },
  },
  {
    name: 'Deliveries',
    spec: DATASETS.Deliveries,
    base: { Order_ID: '1', Distance_m: '1200', Delivery_Time: '2024-03-08 03:00', Driver_ID: 'D1', Delivery_Status: 'ok', Discount: null, Tip: '1' },
    probes: { Order_ID: IDS, Distance_m: DECIMALS, Discount: DECIMALS, Tip: DECIMALS, Delivery_Time: TEXTS },
  },
  {
    name: 'Customers',
    spec: DATASETS.Customers,
    base: { Customer_ID: '7', Customer_Name: 'Ann', Market: 'DE', Signup_Date: '2024-01-01', Number_of_Employees: '10.0' },
    probes: { Customer_ID: INTEGERS, Number_of_Employees: WHOLES, Market: TEXTS },
  },
];

/** An extra column a file adds (kept as it came) and the row's position (what the Spark ingestion orders by). */
const EXTRA = 'Coupon_Code';
const POSITION = INTERNAL.position;

function rowsOf(c: Case): Record<string, string | null>[] {
  const rows: Record<string, string | null>[] = [];
  for (const [column, values] of Object.entries(c.probes)) {
    for (const v of values) rows.push({ ...c.base, [column]: v });
  }
  return rows.map((r, i) => ({
    ...r,
    [EXTRA]: i % 3 === 0 ? null : `x${i}`,
    [POSITION]: String(i),
    [INTERNAL.rawRecord]: `raw ${i}: ${JSON.stringify(r)}`,
  }));
}

/** A text literal; a control character is chr(code) (Spark's sparkString refuses them). */
function literal(v: string | null, quote: (s: string) => string): string {
  if (v === null) return 'NULL';
  const parts = v.split(/([\u0000-\u001f\u007f])/).filter((p, i) => i % 2 === 1 || p !== '');
  if (parts.length === 0) return quote('');
  return parts.map((p) => (/^[\u0000-\u001f\u007f]$/.test(p) ? `chr(${p.charCodeAt(0)})` : quote(p))).join(' || ');
}

/** `incoming` as a view of VALUES: every column text, in `columns` order. */
function incomingView(
  columns: string[],
  rows: Record<string, string | null>[],
  q: { string: (s: string) => string; ident: (s: string) => string; type: string; view: string },
): string {
  const values = rows.map((r) => `(${columns.map((c) => literal(r[c]!, q.string)).join(', ')})`);
  const select = columns.map((c, i) => `CAST(c${i} AS ${q.type}) AS ${q.ident(c)}`);
  return `${q.view} incoming AS SELECT ${select.join(', ')} FROM (VALUES ${values.join(', ')}) AS t(${columns.map((_, i) => `c${i}`).join(', ')})`;
}

/** Rows with every value as a comparable string (bigint, -0, Infinity and NULL kept apart). */
function normalise(rows: Record<string, unknown>[]): string[][] {
  return rows.map((r) =>
    Object.entries(r).map(([k, v]) => {
      if (v === null || v === undefined) return `${k}=NULL`;
      if (typeof v === 'bigint') return `${k}=${v}n`;
      if (typeof v === 'number') return `${k}=${Object.is(v, -0) ? '-0' : String(v)}`;
      return `${k}=${JSON.stringify(v)}`;
    }),
  );
}

let spark: SparkConnectClient;
let w: Warehouse;
let tmp: string;
let sql: SqlSnapshot;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spark-staging-'));
  sql = SqlSnapshot.read();
  w = await Warehouse.open({ path: path.join(tmp, 'w.duckdb') });
  await migrateWarehouse(w, sql);
  spark = new SparkConnectClient({ remote });
  for (const s of [...SPARK_SETTINGS, ...sparkValueFunctions()]) await spark.sql(s);
});
afterAll(async () => {
  await spark?.close();
  await w?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('staging is one algorithm on DuckDB and Spark', () => {
  it('the value functions give the same answer on every edge text (values.sql vs the DuckDB macros)', async () => {
    const texts = [...new Set([...IDS, ...INTEGERS, ...WHOLES, ...DECIMALS, ...TIMESTAMPS, ...TEXTS])];
    const calls = (micros: string) => [
      'is_integer_text(x)', 'is_whole_number_text(x)', 'is_decimal_text(x)', 'is_non_finite_text(x)', 'is_timestamp_text(x)',
      'is_fraction_text(x)', 'parse_order_id(x)', 'parse_customer_id(x)', 'parse_whole_number(x)', 'parse_decimal(x)',
      'is_finite_number(parse_decimal(x))', `${micros}(parse_utc_timestamp(x))`, 'zone_offset_minutes(timestamp_text_part(x, 8))',
      ...Array.from({ length: 8 }, (_, i) => `timestamp_text_part(x, ${i + 1})`),
    ];
    const query = (micros: string, string: (s: string) => string) =>
      `SELECT i, ${calls(micros).map((c, k) => `${c} AS f${k}`).join(', ')}
       FROM (VALUES ${texts.map((t, i) => `(${i}, ${literal(t, string)})`).join(', ')}) AS t(i, x) ORDER BY i`;
    const duck = await w.all(query('epoch_us', quotedString));
    const sparkRows = (await spark.sql(query('unix_micros', sparkString))).rows;
    const named = (rows: Record<string, unknown>[]) =>
      normalise(rows).map((r, i) => [JSON.stringify(texts[i]), ...r.map((cell, k) => (k === 0 ? cell : `${calls('micros')[k - 1]}: ${cell}`))]);
    expect(duck).toHaveLength(texts.length);
    // ints come back as number from Spark's INT and DuckDB's INTEGER alike; BIGINT as bigint on both
    expect(named(sparkRows)).toEqual(named(duck));
    // spot checks written out by hand, so that agreeing on a wrong answer fails too
    const at = (text: string | null) => duck[texts.indexOf(text)]!;
    expect(at('YR-9007199254740993,0').f6).toBe(9007199254740993n);
    expect(at('2024-03-08T02:00:00.5+05:00').f11).toBe(BigInt(Date.UTC(2024, 2, 7, 21, 0, 0, 500)) * 1000n);
    expect(at('2024-01-01 10:00:00.123456789').f11).toBe(BigInt(Date.UTC(2024, 0, 1, 10)) * 1000n + 123456n);
    expect(at('2024-02-30 10:00').f11).toBeNull();
    expect(at('3.5').f8).toBeNull();
    expect(at('1e400').f9).toBe(Infinity);
    expect(at('1e400').f10).toBe(false);
    expect(at('1e400').f11).toBeNull();
  });

  for (const c of CASES) {
    it(`${c.name}: every loaded value, reject column and reason, raw record and extra column are the same`, async () => {
      const rows = rowsOf(c);
      const columns = [...Object.keys(c.base), EXTRA, POSITION, INTERNAL.rawRecord];
      const text = sql.render(c.spec.stagingSql);
      const times = c.spec.name === 'Orders' ? ['Order_Time'] : [];
      const outer = (micros: string, exclude: string, ident: (s: string) => string) =>
        `SELECT * ${times.length ? `${exclude} (${times.join(', ')}), ${times.map((t) => `${micros}(${t}) AS ${t}`).join(', ')}` : ''}
         FROM (${'\n'}%STAGING%${'\n'}) AS staged ORDER BY CAST(${ident(POSITION)} AS INT)`;

      await w.run(incomingView(columns, rows, { string: quotedString, ident: quotedIdentifier, type: 'VARCHAR', view: 'CREATE OR REPLACE TEMP VIEW' }));
      const duck = await w.all(outer('epoch_us', 'EXCLUDE', quotedIdentifier).replace('%STAGING%', text));
      await spark.sql(incomingView(columns, rows, { string: sparkString, ident: sparkIdentifier, type: 'STRING', view: 'CREATE OR REPLACE TEMPORARY VIEW' }));
      const sparkResult = await spark.sql(outer('unix_micros', 'EXCEPT', sparkIdentifier).replace('%STAGING%', sparkStagingText(text)));

      expect(duck).toHaveLength(rows.length);
      expect(normalise(sparkResult.rows)).toEqual(normalise(duck));
      // the shape: known columns, the file's extra columns, then the staging outputs
      expect(Object.keys(duck[0]!)).toEqual(expect.arrayContaining([...c.spec.known, EXTRA, POSITION, INTERNAL.rejectColumn, INTERNAL.rejectReason, INTERNAL.rawRecord]));
      // both kinds of row are there, and a reason quotes the value as written
      const rejected = duck.filter((r) => r[INTERNAL.rejectReason] !== null);
      expect(rejected.length).toBeGreaterThan(10);
      expect(duck.length - rejected.length).toBeGreaterThan(10);
      expect(rejected.every((r) => r[INTERNAL.rawRecord] !== null && c.spec.known.includes(r[INTERNAL.rejectColumn] as string))).toBe(true);
      expect(duck.filter((r) => r[INTERNAL.rejectReason] === null).every((r) => r[INTERNAL.rawRecord] === null)).toBe(true);
    });
  }
});
