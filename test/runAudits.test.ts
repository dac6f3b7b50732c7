import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readEcommerce } from './support/compareRuns.js';
import { cli, makeWorkspace, ROOT, type Workspace } from './support/fixtures.js';

const ORDERS = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';

function seed(ws: Workspace): void {
  ws.write('Customers/c.ndjson', '{"Customer ID": 1}\n{"Customer ID": 2}\n');
  ws.write('Orders/o1.csv', `${ORDERS}\n1,1,2024-03-01 10:00:00,A,1,10\n2,2,2024-03-02 10:00:00,B,2,20\n`);
  ws.write('Deliveries/d1.csv', 'Order ID,Distance(m)\n1,100\n2,200\n3,300\n');
}

/** A copy of sql/ with one file edited; the run reads it through PIPELINE_SQL_DIR. */
function editedSqlDir(ws: Workspace, file: string, from: string, to: string): string {
  const dir = path.join(ws.root, 'sql');
  fs.cpSync(path.join(ROOT, 'sql'), dir, { recursive: true });
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  expect(text).toContain(from);
  fs.writeFileSync(path.join(dir, file), text.replace(from, to));
  return dir;
}

/** Everything a failed run must leave as it was. */
async function snapshotWarehouse(ws: Workspace) {
  return {
    ecommerce: await readEcommerce(ws.warehousePath),
    runs: await ws.query('SELECT run_id, strategy FROM pipeline_runs ORDER BY run_id'),
    files: await ws.query('SELECT file_id, path, status FROM pipeline_files ORDER BY file_id'),
    sqlFiles: await ws.query('SELECT name, checksum FROM pipeline_sql_files ORDER BY name'),
    curOrders: await ws.query('SELECT count(*) AS n FROM cur_orders'),
  };
}

describe('grain audits run inside the run transaction, before COMMIT', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  it('a mart that duplicates groups fails the run, names the audit and a sample row, and leaves the warehouse as it was', async () => {
    ws = makeWorkspace('audit-mart');
    seed(ws);
    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    const before = await snapshotWarehouse(ws);
    expect(before.ecommerce).toHaveLength(2);
    const sqlDir = editedSqlDir(
      ws, 'marts/ecommerce_metrics.sql', 'SELECT * FROM metrics;',
      'SELECT * REPLACE (2 * Order_Count AS Order_Count) FROM metrics\nUNION ALL SELECT * REPLACE (3 * Order_Count AS Order_Count) FROM metrics;',
    );
    ws.write('Orders/o2.csv', `${ORDERS}\n3,1,2024-03-03 10:00:00,C,1,30\n`);

    const r = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath], { PIPELINE_SQL_DIR: sqlDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error \[AUDIT_FAILED\]: audit sql\/audits\/ecommerce_grain\.sql failed: \d+ row\(s\) break it, e\.g\. \{"Customer_ID":\d+,"start_timestamp":"2024-/);
    expect(r.stderr).toMatch(/rolled back/);
    expect(await snapshotWarehouse(ws)).toEqual(before);

    // the same run with the project's SQL goes through
    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    expect(await ws.query('SELECT count(*) AS n FROM pipeline_files')).toEqual([{ n: 4 }]);
  });

  it('a keyed state step that keeps two rows for one key fails the run on keyed_state_unique', async () => {
    ws = makeWorkspace('audit-state');
    seed(ws);
    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    const before = await snapshotWarehouse(ws);
    // every key of the scope kept twice
    const sqlDir = editedSqlDir(ws, 'state/cur_customers.sql', 'SELECT * FROM latest;', 'SELECT * FROM latest UNION ALL SELECT * FROM latest;');
    ws.write('Customers/c2.ndjson', '{"Customer ID": 2}\n');

    const r = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath], { PIPELINE_SQL_DIR: sqlDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/audit sql\/audits\/keyed_state_grain\.sql failed: .* e\.g\. \{"tbl":"cur_customers","key":"?\d+"?\}/);
    expect(await snapshotWarehouse(ws)).toEqual(before);
  });

  it('a first build (committed in parts) whose audit fails leaves the warehouse empty, and the next run loads everything once', async () => {
    ws = makeWorkspace('audit-first-build');
    seed(ws);
    const sqlDir = editedSqlDir(
      ws, 'marts/ecommerce_metrics.sql', 'SELECT * FROM metrics;',
      'SELECT * FROM metrics UNION ALL SELECT * FROM metrics;',
    );
    const r = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath], { PIPELINE_SQL_DIR: sqlDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/audit sql\/audits\/ecommerce_grain\.sql failed/);
    for (const table of ['pipeline_files', 'pipeline_rejects', 'pipeline_runs', 'raw_orders', 'raw_deliveries', 'raw_customers', 'cur_orders', 'ecommerce_state']) {
      expect(await ws.query(`SELECT count(*) AS n FROM ${table}`), table).toEqual([{ n: 0 }]);
    }
    expect(await ws.query(`SELECT key FROM pipeline_settings WHERE key = 'first_build'`)).toEqual([]);

    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    expect(await ws.query('SELECT count(*) AS n FROM raw_orders')).toEqual([{ n: 2 }]);
    expect(await ws.query('SELECT count(*) AS n FROM pipeline_files')).toEqual([{ n: 3 }]);
    expect((await readEcommerce(ws.warehousePath)).length).toBe(2);
  });
});
