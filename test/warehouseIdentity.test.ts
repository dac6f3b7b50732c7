import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readEcommerce } from './support/compareRuns.js';
import { cli, diffEcommerce, makeWorkspace, type Workspace } from './support/fixtures.js';
import { pgUrl, readPgEcommerce, uniqueSchema } from './support/postgres.js';

const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';

describe('exports are tied to the warehouse they came from', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  // Regression: a warehouse recreated from nothing reached the old watermark's
  // version (1 = 1) and the sync did nothing, leaving the old warehouse's rows in Postgres.
  it('a recreated warehouse whose version equals the watermark resyncs Postgres and rewrites the Parquet snapshot', async () => {
    ws = makeWorkspace('identity');
    const schema = uniqueSchema('identity');
    const lake = path.join(ws.root, 'lake');
    const pgArgs = ['--postgres', pgUrl(), '--pg-schema', schema, '--warehouse', ws.warehousePath, '--data', ws.dataDir];
    ws.write('Orders/o.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n2,2,2024-03-01 10:00:00,B,1,20\n`);
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,1\n2,2\n');
    ws.write('Customers/c.json', '{"Customer ID": 1}\n{"Customer ID": 2}\n');
    expect(cli(['run', ...pgArgs], { PIPELINE_EXPORT: '1' }).code).toBe(0);
    expect(cli(['export', '--parquet', lake, '--warehouse', ws.warehousePath]).code).toBe(0);

    // the warehouse is recreated from other data: its first run is version 1 again
    fs.rmSync(ws.warehousePath);
    ws.remove('Orders/o.csv');
    ws.write('Orders/other.csv', `${HEADER}\n1,2,2024-04-01 10:00:00,C,3,99\n`);
    const run = cli(['run', '--json', ...pgArgs], { PIPELINE_EXPORT: '1' });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ runId: 1, export: { fromVersion: 0, toVersion: 1, mode: 'resync' } });
    const duck = await readEcommerce(ws.warehousePath);
    expect(duck).toHaveLength(1);
    expect(diffEcommerce(await readPgEcommerce(schema), duck)).toEqual([]);

    const parquet = JSON.parse(cli(['export', '--parquet', lake, '--json', '--warehouse', ws.warehousePath]).stdout);
    expect(parquet).toMatchObject({ version: 1, mode: 'full', rows: 1 });
  });
});
