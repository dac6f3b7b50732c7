import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../pipeline/generate/generateDataset.js';
import { readEcommerce } from './support/compareRuns.js';
import { CLI, ROOT, cli, diffEcommerce, makeWorkspace, type Workspace } from './support/fixtures.js';

function runChild(ws: Workspace, env: NodeJS.ProcessEnv, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'run', '--data', ws.dataDir, '--warehouse', ws.warehousePath], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    let timer: NodeJS.Timeout | undefined;
    if (killAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

function writeBatch1(ws: Workspace) {
  ws.write('Orders/a.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,10\n2,2,2024-03-02 10:00:00,B,2,20\n3,1,2024-03-20 10:00:00,C,1,5\n');
  ws.write('Deliveries/a.csv', 'Order ID,Distance(m)\n1,100\n2,200\n3,300\n');
  ws.write('Customers/a.json', '[{"Customer ID": 1}, {"Customer ID": 2}]');
}

function writeBatch2(ws: Workspace) {
  // moves order 3 to customer 2, adds order 4, rewrites deliveries
  ws.write('Orders/b.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n3,2,2024-03-20 10:00:00,C,1,7\n4,1,2024-03-05 10:00:00,D,3,40\n');
  ws.write('Deliveries/a.csv', 'Order ID,Distance(m)\n1,150\n2,200\n3,300\n4,5\n');
}

describe('crash safety: kill -9 at any point, then a new run gives the uninterrupted result', () => {
  const spaces: Workspace[] = [];
  afterEach(() => {
    for (const ws of spaces.splice(0)) ws.cleanup();
  });

  it.each(['after-stage', 'after-ingest', 'before-commit', 'after-commit'])(
    'SIGKILL at %s of the second run',
    async (point) => {
      const reference = makeWorkspace('crash-ref');
      const crashed = makeWorkspace(`crash-${point}`);
      spaces.push(reference, crashed);
      for (const ws of [reference, crashed]) writeBatch1(ws);
      await reference.run();
      await crashed.run();
      for (const ws of [reference, crashed]) writeBatch2(ws);
      await reference.run();

      const child = await runChild(crashed, { PIPELINE_CRASH_AT: point });
      expect(child.signal).toBe('SIGKILL');
      const recovery = cli(['run', '--data', crashed.dataDir, '--warehouse', crashed.warehousePath]);
      expect(recovery.code, recovery.stderr).toBe(0);

      expect(diffEcommerce(await readEcommerce(crashed.warehousePath), await readEcommerce(reference.warehousePath))).toEqual([]);
      // versions: one per committed run, never reused, and every row's version is a committed run
      const runs = await crashed.query<{ run_id: number }>('SELECT run_id FROM pipeline_runs ORDER BY run_id');
      expect(runs.map((r) => r.run_id)).toEqual([1, 2]);
      expect(await crashed.query('SELECT * FROM ecommerce_state WHERE _version NOT IN (SELECT run_id FROM pipeline_runs)')).toEqual([]);
      const files = await crashed.query<{ path: string; status: string }>('SELECT path, status FROM pipeline_files ORDER BY file_id');
      expect(files).toEqual([
        { path: 'Orders/a.csv', status: 'loaded' },
        { path: 'Deliveries/a.csv', status: 'superseded' },
        { path: 'Customers/a.json', status: 'loaded' },
        { path: 'Orders/b.csv', status: 'loaded' },
        { path: 'Deliveries/a.csv', status: 'loaded' },
      ]);
    },
  );

  it.each(['after-ingest', 'after-keyed-state'])(
    'SIGKILL at %s of a first build (committed in parts): the next run undoes it and loads every file once',
    async (point) => {
      const reference = makeWorkspace('crash-first-ref');
      const crashed = makeWorkspace(`crash-first-${point}`);
      spaces.push(reference, crashed);
      for (const ws of [reference, crashed]) writeBatch1(ws);
      // a column only the killed build brings (the file is gone before the next run): the undo drops it
      crashed.write('Customers/b.json', '[{"Customer ID": 3, "Loyalty Tier": "gold"}]');
      await reference.run();

      const child = await runChild(crashed, { PIPELINE_CRASH_AT: point });
      expect(child.signal).toBe('SIGKILL');
      // the parts committed so far are marked as an unfinished first build
      expect(await crashed.query(`SELECT count(*) AS n FROM pipeline_settings WHERE key = 'first_build'`)).toEqual([{ n: 1 }]);
      expect((await crashed.query<{ n: number }>('SELECT count(*) AS n FROM raw_orders'))[0]!.n).toBe(3);
      const status = cli(['status', '--json', '--no-export', '--data', crashed.dataDir, '--warehouse', crashed.warehousePath]);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ interrupted_first_build: 1, files: [], datasets: [] });

      const tier = `SELECT count(*) AS n FROM duckdb_columns() WHERE table_name = 'raw_customers' AND column_name = 'Loyalty_Tier'`;
      expect(await crashed.query(tier)).toEqual([{ n: 1 }]);
      fs.rmSync(path.join(crashed.dataDir, 'Customers/b.json'));
      const recovery = cli(['run', '--data', crashed.dataDir, '--warehouse', crashed.warehousePath]);
      expect(recovery.code, recovery.stderr).toBe(0);
      expect(recovery.stdout).toMatch(/an interrupted first build was undone/);
      expect(await crashed.query(tier)).toEqual([{ n: 0 }]);
      expect(diffEcommerce(await readEcommerce(crashed.warehousePath), await readEcommerce(reference.warehousePath))).toEqual([]);
      expect(await crashed.query('SELECT count(*) AS n FROM raw_orders')).toEqual([{ n: 3 }]);
      expect(await crashed.query('SELECT run_id FROM pipeline_runs')).toEqual([{ run_id: 1 }]);
      expect(await crashed.query('SELECT path FROM pipeline_files ORDER BY file_id')).toEqual(
        await reference.query('SELECT path FROM pipeline_files ORDER BY file_id'),
      );
      expect(await crashed.query(`SELECT count(*) AS n FROM pipeline_settings WHERE key = 'first_build'`)).toEqual([{ n: 0 }]);
      const columns = `SELECT column_name FROM duckdb_columns() WHERE table_name = 'raw_customers' ORDER BY column_index`;
      expect(await crashed.query(columns)).toEqual(await reference.query(columns));
    },
  );

  it('SIGKILL at random moments of a full load of generated data converges', async () => {
    const reference = makeWorkspace('crash-gen-ref');
    spaces.push(reference);
    await generateDataset({ outDir: reference.dataDir, orders: 60_000, customers: 3000, seed: 7 });
    await reference.run();
    const expected = await readEcommerce(reference.warehousePath);
    expect(expected.length).toBeGreaterThan(1000);
    for (const delay of [150, 400, 900, 1600]) {
      const ws = makeWorkspace(`crash-gen-${delay}`);
      spaces.push(ws);
      fs.cpSync(reference.dataDir, ws.dataDir, { recursive: true, preserveTimestamps: true });
      const child = await runChild(ws, {}, delay);
      const recovery = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
      expect(recovery.code, recovery.stderr).toBe(0);
      expect(diffEcommerce(await readEcommerce(ws.warehousePath), expected), `killed after ${delay} ms (${child.signal ?? child.code})`).toEqual([]);
      const runs = await ws.query<{ n: number; m: number }>('SELECT count(*) AS n, max(run_id) AS m FROM pipeline_runs');
      expect(runs[0]!.n).toBe(runs[0]!.m);
      expect(fs.existsSync(path.join(ws.warehousePath))).toBe(true);
    }
  });
});
