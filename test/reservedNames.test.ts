import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATASETS, DATASET_LIST, RESERVED_COLUMNS, type DatasetSpec } from '../pipeline/ingest/datasets.js';
import { INTERNAL } from '../pipeline/ingest/internalColumns.js';
import { normalizeColumnName } from '../pipeline/ingest/normalizeColumnName.js';
import { withWarehouse } from '../pipeline/warehouse/Warehouse.js';
import { cli, makeWorkspace, ROOT, type Workspace } from './support/fixtures.js';

// docs/contract.md, "Reserved names": no input column, whatever its name, can
// set a column the pipeline uses for itself. Regression: an Orders column
// `_order_id` loaded row 1 as order 42; `_reject` empty loaded a row with a bad
// key and failed every later run (NOT NULL constraint failed); `_customer_id`
// made customer 5 customer 1.

const TYPE_NAMES = new Set(['DOUBLE', 'HUGEINT', 'BIGINT', 'INTEGER', 'VARCHAR', 'TIMESTAMP', 'TIMESTAMPTZ', 'SELECT', 'BOOLEAN']);
const KNOWN = new Set(DATASET_LIST.flatMap((s) => s.known.map((k) => k.toLowerCase())));

/** Every column name the ingest code and the staging SQL give a column (`AS name`, `AS "name"`). */
function aliasesInCode(): string[] {
  const files = [
    ...fs.readdirSync(path.join(ROOT, 'sql/staging')).map((f) => path.join(ROOT, 'sql/staging', f)),
    ...fs.readdirSync(path.join(ROOT, 'pipeline/ingest')).map((f) => path.join(ROOT, 'pipeline/ingest', f)),
  ];
  const names: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bAS +(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_]*))/g)) names.push(m[1]?.replaceAll('""', '"') ?? m[2]!);
    for (const m of text.matchAll(/freeColumnName\('([^']+)'/g)) names.push(m[1]!);
  }
  return names.filter((n) => !TYPE_NAMES.has(n));
}

/** The raw tables' own columns, from a fresh warehouse's schema. */
async function rawTableColumns(): Promise<string[]> {
  const ws = makeWorkspace('reserved-schema');
  try {
    await ws.run();
    const rows = await ws.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name IN ('raw_orders', 'raw_deliveries', 'raw_customers')`,
    );
    return rows.map((r) => r.column_name);
  } finally {
    ws.cleanup();
  }
}

async function internalNames(): Promise<string[]> {
  const names = [
    ...aliasesInCode(),
    ...Object.values(INTERNAL),
    ...RESERVED_COLUMNS,
    ...(await rawTableColumns()),
    'rowid', // DuckDB's row id
    'json', // read_json_objects' column
    // the staging columns before they moved to the "pipeline …" namespace
    '_order_id', '_customer_id', '_reject', '_reject_column', '_reject_reason', '_raw_record', '_is_object',
    '_reader_reject', '_employees', '_employees_d', '_pos',
  ];
  return [...new Set(names)].filter((n) => !KNOWN.has(normalizeColumnName(DATASETS.Orders, n).toLowerCase())).sort();
}

type Kind = 'csv' | 'json' | 'parquet';

interface Case {
  name: string;
  spec: DatasetSpec;
  kind: Kind;
  rel: string;
  keys: [number, number];
}

/** Two good rows (the extra column holds "42" and "zz") around one with a bad key (extra column empty). */
function rows(spec: DatasetSpec, keys: [number, number]): Record<string, string>[] {
  const [k1, k2] = keys;
  if (spec.name === 'Orders') {
    const row = (id: string, q: string, total: string) => ({ 'Order ID': id, 'Customer ID': '7', 'Order Time': '2024-03-01 10:00:00', SKU: 'A', Quantity: q, 'Order Total': total });
    return [row(String(k1), '2', '10.5'), row('abc', '2', '10.5'), row(String(k2), '3', '11')];
  }
  if (spec.name === 'Deliveries') return [{ 'Order ID': String(k1), 'Distance(m)': '8' }, { 'Order ID': 'abc', 'Distance(m)': '8' }, { 'Order ID': String(k2), 'Distance(m)': '9' }];
  return [{ 'Customer ID': String(k1), 'Customer Name': 'a' }, { 'Customer ID': 'x', 'Customer Name': 'b' }, { 'Customer ID': String(k2), 'Customer Name': 'c' }];
}

const EXTRA = ['42', '', 'zz'];

async function writeCase(ws: Workspace, c: Case, scratch: { run(sql: string): Promise<void> }): Promise<void> {
  const data = rows(c.spec, c.keys).map((r, i) => ({ ...r, [c.name]: EXTRA[i]! }));
  const header = Object.keys(data[0]!);
  if (c.kind === 'csv') {
    ws.write(c.rel, [header.join(','), ...data.map((r) => header.map((h) => r[h]).join(','))].join('\n') + '\n');
  } else if (c.kind === 'json') {
    ws.write(c.rel, data.map((r) => JSON.stringify(r)).join('\n') + '\n');
  } else {
    const file = ws.write(c.rel, '');
    const values = data.map((r) => `(${header.map((h) => quotedString(r[h]!)).join(', ')})`).join(', ');
    await scratch.run(`COPY (SELECT * FROM (VALUES ${values}) t(${header.map((h) => quotedIdentifier(h)).join(', ')})) TO ${quotedString(file)} (FORMAT parquet)`);
  }
}

describe('columns the pipeline uses for itself cannot be set by a file', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  it.each(DATASET_LIST.map((s) => [s.name, s] as const))(
    '%s: one file per internal name and format, each loaded exactly as written or quarantined as reserved',
    async (_name, spec) => {
      const names = await internalNames();
      expect(names).toEqual(expect.arrayContaining(['_line', '_order_id', '_reject', 'rowid', ...Object.values(INTERNAL)]));
      ws = makeWorkspace(`reserved-${spec.name}`);
      const kinds: Kind[] = [spec.format, 'parquet'];
      const cases: Case[] = names.flatMap((name, i) =>
        kinds.map((kind, j) => {
          const base = (i * kinds.length + j) * 10;
          const ext = kind === 'parquet' ? 'parquet' : kind === 'csv' ? 'csv' : 'ndjson';
          return { name, spec, kind, rel: `${spec.folder}/case_${i}_${kind}.${ext}`, keys: [base + 1, base + 2] as [number, number] };
        }),
      );
      await withWarehouse({ path: ':memory:' }, async (scratch) => {
        for (const c of cases) await writeCase(ws, c, scratch);
      });
      const report = await ws.run();
      const byPath = new Map(report.files.map((f) => [f.path, f]));
      const quarantined = new Set<string>();
      const loadedCases: Case[] = [];
      for (const c of cases) {
        const file = byPath.get(c.rel)!;
        const normalised = normalizeColumnName(spec, c.name);
        const label = `${c.rel} (column ${JSON.stringify(c.name)})`;
        if (file.status === 'quarantined') {
          expect(file.reason, label).toContain(`column "${c.name}" uses the name ${normalised}, reserved by the pipeline`);
          quarantined.add(normalised.toLowerCase());
        } else {
          expect(file, label).toMatchObject({ status: 'loaded', rowsRead: 3, rowsLoaded: 2, rowsRejected: 1 });
          loadedCases.push(c);
        }
      }
      // Every loaded file's rows (its extra column under its normalised name) and rejects, read at once.
      const fileId = (c: Case) => byPath.get(c.rel)!.fileId;
      const loaded = await ws.query<{ file_id: number; rows: unknown[] }>(
        loadedCases
          .map((c) => `SELECT ${fileId(c)} AS file_id, list({'key': ${spec.key}::INTEGER, 'extra': ${quotedIdentifier(normalizeColumnName(spec, c.name))}::VARCHAR,
                         '_row': _row::INTEGER, '_line': _line::INTEGER} ORDER BY _row) AS rows
                       FROM ${spec.rawTable} WHERE _file_id = ${fileId(c)}`)
          .join(' UNION ALL '),
      );
      const rejects = await ws.query<{ file_id: number; line: number; column_name: string; reason: string; key: number | null }>(
        `SELECT file_id, line, column_name, reason, key FROM pipeline_rejects`,
      );
      const loadedByFile = new Map(loaded.map((r) => [r.file_id, r.rows]));
      for (const c of loadedCases) {
        const label = `${c.rel} (column ${JSON.stringify(c.name)})`;
        const firstLine = c.kind === 'csv' ? 2 : 1;
        expect(loadedByFile.get(fileId(c)), label).toEqual([
          { key: c.keys[0], extra: '42', _row: 0, _line: firstLine },
          { key: c.keys[1], extra: 'zz', _row: 2, _line: firstLine + 2 },
        ]);
        expect(rejects.filter((r) => r.file_id === fileId(c)), label).toEqual([
          spec.key === 'Order_ID'
            ? { file_id: fileId(c), line: firstLine + 1, column_name: 'Order_ID', reason: "Order_ID 'abc' is neither YR-<digits>,0 nor <digits>", key: null }
            : { file_id: fileId(c), line: firstLine + 1, column_name: 'Customer_ID', reason: "Customer_ID 'x' is not an integer", key: null },
        ]);
      }
      // The names refused are exactly the reserved ones; every other name loads as an ordinary column.
      expect([...quarantined].sort()).toEqual([...RESERVED_COLUMNS].sort());
      // The typed values of the good rows are the file's.
      if (spec.name === 'Orders') {
        expect(await ws.query(`SELECT DISTINCT Customer_ID, Quantity, Order_Total FROM raw_orders ORDER BY ALL`)).toEqual([
          { Customer_ID: 7, Quantity: 2, Order_Total: 10.5 },
          { Customer_ID: 7, Quantity: 3, Order_Total: 11 },
        ]);
      }
    },
  );

  // Regression: `abc,8,bad id,` under a `_reject` column loaded a NULL key; every later run exited 1
  // (NOT NULL constraint failed: raw_deliveries.Order_ID) and good files dropped later never loaded.
  it('a file with a `_reject` column and a bad key does not stop later runs', async () => {
    ws = makeWorkspace('reserved-later');
    ws.write('Deliveries/bad.csv', 'Order ID,Distance(m),note,_reject\nabc,8,bad id,\n1,5,ok,\n');
    const first = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    ws.write('Deliveries/good.csv', 'Order ID,Distance(m)\n2,7\n');
    const second = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    expect(second.code).toBe(0);
    expect(await ws.query('SELECT Order_ID, Distance_m, note, _reject FROM raw_deliveries ORDER BY 1')).toEqual([
      { Order_ID: 1, Distance_m: 5, note: 'ok', _reject: null },
      { Order_ID: 2, Distance_m: 7, note: null, _reject: null },
    ]);
    expect(await ws.query(`SELECT path, line, column_name, reason FROM pipeline_rejects`)).toEqual([
      { path: 'Deliveries/bad.csv', line: 2, column_name: 'Order_ID', reason: "Order_ID 'abc' is neither YR-<digits>,0 nor <digits>" },
    ]);
  });

  // Regression: {"Customer ID":5,"_customer_id":1,...} became customer 1; {"Customer ID":6,"_reject":"zz"} was
  // rejected with column `z`, reason `z`; `_order_id` 9 stored order 1's delivery as order 9's.
  it('the examples of the report: _customer_id, _reject, _order_id', async () => {
    ws = makeWorkspace('reserved-examples');
    ws.write('Customers/c.ndjson', '{"Customer ID":5,"_customer_id":1,"Customer Name":"impostor"}\n{"Customer ID":6,"_reject":"zz"}\n');
    ws.write('Orders/o.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total,_order_id\n1,5,2024-03-01 10:00:00,A,1,10,42\n2,6,2024-03-01 10:00:00,A,1,10,\n');
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m),_order_id\n1,100,9\n2,50,\n');
    const report = await ws.run();
    expect(report.files.every((f) => f.status === 'loaded' && f.rowsRejected === 0)).toBe(true);
    expect(await ws.query('SELECT Customer_ID, Customer_Name, _customer_id, _reject FROM raw_customers ORDER BY 1')).toEqual([
      { Customer_ID: 5, Customer_Name: 'impostor', _customer_id: '1', _reject: null },
      { Customer_ID: 6, Customer_Name: null, _customer_id: null, _reject: 'zz' },
    ]);
    expect(await ws.query('SELECT Order_ID, _order_id FROM raw_orders ORDER BY 1')).toEqual([
      { Order_ID: 1, _order_id: '42' },
      { Order_ID: 2, _order_id: null },
    ]);
    expect(await ws.query('SELECT Order_ID, Distance_m FROM raw_deliveries ORDER BY 1')).toEqual([
      { Order_ID: 1, Distance_m: 100 },
      { Order_ID: 2, Distance_m: 50 },
    ]);
    expect(await ws.query('SELECT Customer_ID, Total_Delivery_Distance FROM ecommerce ORDER BY 1')).toEqual([
      { Customer_ID: 5, Total_Delivery_Distance: 100 },
      { Customer_ID: 6, Total_Delivery_Distance: 50 },
    ]);
  });
});
