import fs from 'node:fs';
import path from 'node:path';
import { quotedString } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { readEcommerce } from './support/compareRuns.js';
import { cli, diffEcommerce, makeWorkspace, type Workspace } from './support/fixtures.js';
import { plainValue } from '../pipeline/shell/formatRows.js';
import { withWarehouse } from '../pipeline/warehouse/Warehouse.js';

const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';
const COLUMNS = `Customer_ID, Total_Order_Amount, Average_Order_Amount, Order_Count, Highest_Order_Amount, Lowest_Order_Amount,
  Total_Quantity_Ordered, Average_Quantity_Per_Ordered, Total_Delivery_Distance, Average_Delivery_Distance, Distict_Products,
  start_timestamp, end_timestamp`;

/** The snapshot read back with DuckDB as one table, in ecommerce's shape. */
async function readSnapshot(dir: string): Promise<Record<string, unknown>[]> {
  return withWarehouse({ path: ':memory:' }, async (w) =>
    (await w.all(
      `SELECT ${COLUMNS} FROM read_parquet(${quotedString(path.join(dir, 'ecommerce', '**', '*.parquet'))}, hive_partitioning = true)
       ORDER BY Customer_ID, start_timestamp`,
    )).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plainValue(v)]))),
  );
}

function inodes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const root = fs.realpathSync(path.join(dir, 'ecommerce'));
  for (const part of fs.readdirSync(root).filter((n) => n.startsWith('window_month='))) {
    for (const f of fs.readdirSync(path.join(root, part))) out.set(`${part}/${f}`, fs.statSync(path.join(root, part, f)).ino);
  }
  return out;
}

describe('Parquet export', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  it('writes a Hive-partitioned snapshot equal to ecommerce, then rewrites only the partitions a change touched', async () => {
    ws = makeWorkspace('pqout');
    const out = path.join(ws.root, 'lake');
    ws.write('Orders/o.csv', `${HEADER}\n1,1,2024-01-15 10:00:00,A,1,10\n2,1,2024-02-15 10:00:00,B,2,20\n3,2,2024-03-15 10:00:00,C,3,30\n`);
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,1\n2,2\n3,3\n4,4\n');
    ws.write('Customers/c.json', '{"Customer ID": 1}\n{"Customer ID": 2}\n');
    await ws.run();
    const exportArgs = ['export', '--parquet', out, '--json', '--warehouse', ws.warehousePath];
    const first = cli(exportArgs);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ version: 1, rows: 3, partitions: 3, mode: 'full', written: ['2024-01', '2024-02', '2024-03'] });
    expect(diffEcommerce(await readSnapshot(out), await readEcommerce(ws.warehousePath))).toEqual([]);
    const before = inodes(out);

    // a late order in February, and the March order's file withdrawn
    ws.write('Orders/late.csv', `${HEADER}\n4,1,2024-02-16 10:00:00,D,1,5\n`);
    await ws.run();
    ws.write('Orders/o.csv', `${HEADER}\n1,1,2024-01-15 10:00:00,A,1,10\n2,1,2024-02-15 10:00:00,B,2,20\n`);
    await ws.run();
    const second = JSON.parse(cli(exportArgs).stdout);
    expect(second).toMatchObject({ version: 3, rows: 2, partitions: 2, mode: 'incremental', written: ['2024-02', '2024-03'] });
    expect(diffEcommerce(await readSnapshot(out), await readEcommerce(ws.warehousePath))).toEqual([]);
    const after = inodes(out);
    // January untouched: the same file (hard link); February rewritten; March gone
    const jan = [...before.keys()].find((k) => k.startsWith('window_month=2024-01'))!;
    expect(after.get(jan)).toBe(before.get(jan));
    const feb = [...after.keys()].find((k) => k.startsWith('window_month=2024-02'))!;
    expect(after.get(feb)).not.toBe(before.get(feb));
    expect([...after.keys()].some((k) => k.startsWith('window_month=2024-03'))).toBe(false);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'ecommerce', '_manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ version: 3, rows: 2 });
    // the swap is a symlink rename; the previous snapshot stays whole for readers that resolved it
    expect(fs.lstatSync(path.join(out, 'ecommerce')).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(out).filter((n) => n.startsWith('.ecommerce-v'))).toHaveLength(2);
    // a rebuilt warehouse (versions start over) gets a full snapshot
    fs.rmSync(ws.warehousePath);
    await ws.run();
    expect(JSON.parse(cli(exportArgs).stdout)).toMatchObject({ version: 1, mode: 'full' });
    expect(diffEcommerce(await readSnapshot(out), await readEcommerce(ws.warehousePath))).toEqual([]);
  });
});
