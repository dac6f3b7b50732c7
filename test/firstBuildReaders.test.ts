import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, cli, makeWorkspace, type Workspace } from './support/fixtures.js';
import { pgUrl, uniqueSchema, withPg } from './support/postgres.js';

/**
 * A first build commits raw rows, keyed state and result in parts behind a
 * marker (pipeline/run/firstBuild.ts). Killed after its result part, every
 * table holds rows; no reader may show them: each refuses with
 * FIRST_BUILD_INTERRUPTED naming `pipeline run`, and status shows nothing
 * loaded (0 rows). The next run undoes the build and redoes it.
 */
describe('a first build killed between its parts is invisible to every reader', () => {
  let ws: Workspace;
  let args: string[];
  const REFUSED = /error \[FIRST_BUILD_INTERRUPTED\]: the first build of the warehouse .* \(run #1\) was interrupted before it finished: nothing is loaded yet[^\n]*`pipeline run` undoes it/;

  beforeAll(async () => {
    ws = makeWorkspace('first-build-readers');
    ws.write('Orders/a.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,10\n2,2,2024-03-02 10:00:00,B,2,20\n');
    ws.write('Deliveries/a.csv', 'Order ID,Distance(m)\n1,100\n2,200\n');
    ws.write('Customers/a.json', '[{"Customer ID": 1}, {"Customer ID": 2}]');
    args = ['--data', ws.dataDir, '--warehouse', ws.warehousePath];
    const child = spawnSync(process.execPath, [CLI, 'run', ...args], {
      cwd: ROOT, env: { ...process.env, PIPELINE_EXPORT: '0', DATABASE_URL: '', PIPELINE_CRASH_AT: 'after-result' },
    });
    expect(child.signal).toBe('SIGKILL');
    // the parts are really there: the result part was committed
    expect(await ws.query('SELECT count(*) AS n FROM ecommerce_state')).toEqual([{ n: 2 }]);
    expect(await ws.query(`SELECT count(*) AS n FROM pipeline_settings WHERE key = 'first_build'`)).toEqual([{ n: 1 }]);
  });
  afterAll(() => ws.cleanup());

  it.each([
    ['sql', ['sql', 'SELECT count(*) AS n FROM ecommerce', '--format', 'csv']],
    ['sql --write', ['sql', 'SELECT count(*) AS n FROM ecommerce', '--write', '--format', 'csv']],
    ['check', ['check']],
    ['report', ['report', '--out', 'REPORT']],
    ['explain', ['explain', '--order', '1']],
    ['export --parquet', ['export', '--parquet', 'LAKE']],
  ])('%s refuses with FIRST_BUILD_INTERRUPTED and writes nothing', (_name, command) => {
    const out = path.join(ws.root, 'out');
    const argv = command.map((a) => (a === 'REPORT' ? path.join(out, 'r.html') : a === 'LAKE' ? path.join(out, 'lake') : a));
    const r = cli([...argv, ...args]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(REFUSED);
    expect(r.stdout).not.toMatch(/\b2\b/);
    // nothing written: export --parquet checks (and may create) its target folder before it opens the warehouse, but leaves no file in it
    const files = fs.existsSync(out) ? fs.readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory()) : [];
    expect(files.map((e) => e.name)).toEqual([]);
  });

  it('export to Postgres refuses and creates nothing there', async () => {
    const schema = uniqueSchema('halfbuild');
    const r = cli(['export', ...args, '--postgres', pgUrl(), '--pg-schema', schema], { PIPELINE_EXPORT: '1' });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(REFUSED);
    const found = await withPg((c) => c.query('SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = $1', [schema]));
    expect(found.rows).toEqual([{ n: 0 }]);
  });

  it('status shows nothing loaded, 0 rows, and says the next run undoes the build', () => {
    const text = cli(['status', '--no-export', ...args]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/version 0, 0 ecommerce rows/);
    expect(text.stdout).toMatch(/a first build \(run #1\) was interrupted; nothing is loaded yet/);
    const json = cli(['status', '--json', '--no-export', ...args]);
    expect(JSON.parse(json.stdout)).toMatchObject({ version: 0, result_rows: 0, interrupted_first_build: 1, files: [], datasets: [] });
  });

  it('the next run undoes it and builds; then every reader works', () => {
    const run = cli(['run', ...args]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/an interrupted first build was undone/);
    const sql = cli(['sql', 'SELECT count(*) AS n FROM ecommerce', '--format', 'csv', ...args]);
    expect(sql.stdout.trim().split('\n')).toEqual(['n', '2']);
    const check = cli(['check', ...args]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });
});
