import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../pipeline/config/loadConfig.js';
import { PipelineError } from '../pipeline/errors/PipelineError.js';
import { cli, makeWorkspace, type Workspace } from './support/fixtures.js';

function seed(ws: Workspace, badRow = false) {
  ws.write('Orders/o.csv', `Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,10\n${badRow ? '2,1,2024-03-01,A,1,oops\n' : ''}`);
  ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,5\n');
  ws.write('Customers/c.json', '[{"Customer ID": 1}]');
}

describe('configuration', () => {
  it('takes CLI flags over environment over defaults', () => {
    const env = { PIPELINE_DATA_DIR: '/env/data', PIPELINE_WINDOW: '7 days', PIPELINE_THREADS: '3' };
    const cfg = loadConfig({ data: '/flag/data' }, env);
    expect(cfg.dataDir).toBe('/flag/data');
    expect(cfg.window).toBe('7 days');
    expect(cfg.threads).toBe(3);
    expect(cfg.warehousePath).toBe(path.resolve('./warehouse/ecommerce.duckdb'));
    expect(loadConfig({}, {}).window).toBe('10 days');
  });

  it('rejects an invalid setting with one message naming it', () => {
    expect(() => loadConfig({ window: 'ten days' }, {})).toThrowError(PipelineError);
    expect(() => loadConfig({ window: 'ten days' }, {})).toThrowError(/--window \/ PIPELINE_WINDOW/);
    expect(() => loadConfig({}, { PIPELINE_THREADS: 'many' })).toThrowError(/--threads/);
  });
});

describe('CLI', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  it('--help lists the commands', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['run', 'rebuild', 'retract', 'sql', 'status', 'check', 'generate']) expect(r.stdout).toContain(c);
  });

  it('exits 2 on bad config and on bad usage', () => {
    ws = makeWorkspace('cli-bad');
    const bad = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath, '--window', 'fortnight']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/CONFIG_INVALID.*--window/);
    expect(cli(['frobnicate']).code).toBe(2);
    expect(cli(['run', '--memory-limit', 'lots']).code).toBe(2);
  });

  it('run reports rejects with exit 0, and exit 3 with --strict', () => {
    ws = makeWorkspace('cli-strict');
    seed(ws, true);
    const r = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 rejected/);
    ws.write('Orders/o2.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n3,1,2024-03-01,A,x,1\n');
    const strict = cli(['run', '--strict', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    expect(strict.code).toBe(3);
  });

  it('status --json lists every file with its accounting', () => {
    ws = makeWorkspace('cli-status');
    seed(ws, true);
    ws.write('Orders/broken.csv', 'nope\n1\n');
    cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    const r = cli(['status', '--json', '--warehouse', ws.warehousePath]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.files).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'Orders/o.csv', dataset: 'Orders', status: 'loaded', rows_read: 2, rows_loaded: 1, rows_rejected: 1, reason: null }),
        expect.objectContaining({ path: 'Orders/broken.csv', status: 'quarantined', reason: expect.stringMatching(/missing required/) }),
      ]),
    );
    expect(s.version).toBe(1);
  });

  it('sql prints table, csv and json; the warehouse is read-only unless --write', () => {
    ws = makeWorkspace('cli-sql');
    seed(ws);
    cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    const q = 'select Customer_ID, Order_Count from ecommerce';
    expect(cli(['sql', q, '--warehouse', ws.warehousePath]).stdout).toMatch(/│ Customer_ID │ Order_Count │/);
    expect(cli(['sql', q, '--format', 'csv', '--warehouse', ws.warehousePath]).stdout.trim()).toBe('Customer_ID,Order_Count\n1,1');
    expect(JSON.parse(cli(['sql', q, '--format', 'json', '--warehouse', ws.warehousePath]).stdout)).toEqual([{ Customer_ID: 1, Order_Count: 1 }]);
    const write = cli(['sql', 'delete from pipeline_runs', '--warehouse', ws.warehousePath]);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/read-only/i);
  });

  it('retract withdraws a file; rebuild recomputes from the raw tables even after the files are archived', () => {
    ws = makeWorkspace('cli-retract');
    seed(ws);
    ws.write('Orders/extra.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,50\n');
    expect(cli(['run', '--archive', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    expect(fs.readdirSync(path.join(ws.dataDir, 'Orders'))).toEqual([]);
    expect(fs.readdirSync(path.join(ws.dataDir, 'archive', 'Orders')).sort()).toEqual(['extra.csv', 'o.csv']);
    const total = () => JSON.parse(cli(['sql', 'select Total_Order_Amount as t from ecommerce', '--format', 'json', '--warehouse', ws.warehousePath]).stdout);
    expect(total()).toEqual([{ t: 50 }]);
    const r = cli(['retract', 'Orders/extra.csv', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    expect(r.code, r.stderr).toBe(0);
    expect(total()).toEqual([{ t: 10 }]);
    const rb = cli(['rebuild', '--json', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    expect(rb.code, rb.stderr).toBe(0);
    expect(JSON.parse(rb.stdout)).toMatchObject({ kind: 'rebuild', strategy: 'full', groupsUpserted: 0, groupsDeleted: 0 });
    expect(total()).toEqual([{ t: 10 }]);
    expect(cli(['retract', 'Orders/nope.csv', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(1);
  });

  it('check runs the SQL data tests and passes on a healthy warehouse', () => {
    ws = makeWorkspace('cli-check');
    seed(ws, true);
    cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    const r = cli(['check', '--warehouse', ws.warehousePath]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/ok +tests\/files_accounting\.sql/);
  });

  it('a window change triggers a full recompute, reported', () => {
    ws = makeWorkspace('cli-window');
    seed(ws);
    cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    const r = cli(['run', '--json', '--window', '3 days', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    expect(JSON.parse(r.stdout)).toMatchObject({ strategy: 'full', rebuildReason: 'window changed from 10 days to 3 days' });
  });

  it('a changed model SQL file triggers a full recompute; an edited applied migration is an error', () => {
    ws = makeWorkspace('cli-sqlchange');
    seed(ws);
    cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    // The warehouse compares checksums: a recorded checksum that differs is exactly what an edited file looks like.
    const tamper = (name: string) =>
      cli(['sql', `update pipeline_sql_files set checksum = 'old' where name = '${name}'`, '--write', '--warehouse', ws.warehousePath]);
    tamper('marts/ecommerce_metrics.sql');
    const r = cli(['run', '--json', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    expect(JSON.parse(r.stdout)).toMatchObject({ strategy: 'full', rebuildReason: 'SQL changed: sql/marts/ecommerce_metrics.sql' });
    tamper('migrations/V001__warehouse.sql');
    const bad = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/SQL_FILE_CHANGED.*V001__warehouse\.sql changed after it was applied/);
  });
});
