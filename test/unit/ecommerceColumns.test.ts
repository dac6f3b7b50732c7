import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECOMMERCE_COLUMNS, FLOAT_TOLERANCE, KEY_COLUMNS } from '../../pipeline/contract/ecommerceColumns.js';
import { createEcommerceTableSql } from '../../pipeline/export/ecommerceTable.js';
import { SqlSnapshot } from '../../pipeline/warehouse/sqlFiles.js';

// The result's columns are declared once (pipeline/contract/ecommerceColumns.ts);
// these tests hold the places that cannot derive from it to it.
const sql = SqlSnapshot.read();
let instance: DuckDBInstance;
let c: DuckDBConnection;

const columnsOf = async (relation: string) =>
  (await c.runAndReadAll(`SELECT column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_name = $1 ORDER BY ordinal_position`, [relation])).getRowObjectsJS() as
    { column_name: string; data_type: string; is_nullable: string }[];

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  c = await instance.connect();
  for (const m of sql.ofKind('migrations')) await c.run(m.text);
});
afterAll(() => instance?.closeSync());

describe('the ecommerce columns, declared once', () => {
  it('the DuckDB state table (migration V001) has exactly the declared columns, types and NOT NULLs, then _version', async () => {
    const actual = await columnsOf('ecommerce_state');
    expect(actual).toEqual([
      ...ECOMMERCE_COLUMNS.map((d) => ({ column_name: d.name, data_type: d.duckdbType, is_nullable: d.notNull ? 'NO' : 'YES' })),
      { column_name: '_version', data_type: 'BIGINT', is_nullable: 'NO' },
    ]);
    expect((await columnsOf('ecommerce')).map((r) => r.column_name)).toEqual(ECOMMERCE_COLUMNS.map((d) => d.name));
  });

  it('the metrics step produces the declared columns with the declared types, on its own', async () => {
    await c.run(`SET VARIABLE window_size = INTERVAL '10 days'`);
    await c.run('SET VARIABLE full_recompute = true');
    await c.run('SET VARIABLE run_id = 1');
    await c.run('CREATE OR REPLACE TEMP TABLE affected_groups (Customer_ID INTEGER, start_timestamp TIMESTAMP)');
    await c.run(sql.render('marts/ecommerce_metrics.sql'));
    const actual = (await c.runAndReadAll('DESCRIBE metrics_in_scope')).getRowObjectsJS() as { column_name: string; column_type: string }[];
    expect(actual.map((r) => [r.column_name, r.column_type])).toEqual(ECOMMERCE_COLUMNS.map((d) => [d.name, d.duckdbType]));
    // and the diff and apply steps run after it as they are
    await c.run(sql.render('marts/ecommerce_diff.sql'));
    await c.run(sql.render('marts/ecommerce_apply.sql'));
  });

  it('the diff step compares every non-key column as declared, with the declared tolerance', () => {
    const text = sql.render('marts/ecommerce_diff.sql');
    const compared = [...text.matchAll(/same_(exact|float)\(s\.(\w+), n\.(\w+)\)/g)].map((m) => {
      expect(m[2]).toBe(m[3]);
      return [m[2], m[1]];
    });
    expect(compared).toEqual(ECOMMERCE_COLUMNS.filter((d) => d.compare !== 'key').map((d) => [d.name, d.compare]));
    const macros = sql.files.find((f) => f.name === 'migrations/V005__engine_shims.sql')!.text;
    const tolerance = /MACRO same_float\(a, b\) AS[\s\S]*?<= ([0-9.e-]+) \*/.exec(macros)?.[1];
    expect(Number(tolerance)).toBe(FLOAT_TOLERANCE);
  });

  it('the Postgres DDL derives from the declaration, key included', () => {
    const ddl = createEcommerceTableSql('"public"."ecommerce"');
    for (const d of ECOMMERCE_COLUMNS) expect(ddl).toContain(`"${d.name}" ${d.postgresType}${d.notNull ? ' NOT NULL' : ''},`);
    expect(ddl).toContain('PRIMARY KEY ("Customer_ID", "start_timestamp")');
    expect(ddl).toMatch(/\) WITH \(fillfactor = 90\)$/); // room for HOT updates (ecommerceTable.ts)
    expect(KEY_COLUMNS).toEqual(['Customer_ID', 'start_timestamp']);
  });
});
