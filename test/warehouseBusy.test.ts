import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../pipeline/config/loadConfig.js';
import { ROOT, cli, makeWorkspace, type Workspace } from './support/fixtures.js';
import { holdWarehouse, type Holder } from './support/holdWarehouse.js';
import { pgUrl, pgWatermark, uniqueSchema } from './support/postgres.js';
import { spawnCli } from './support/spawnCli.js';

const HOLD_SECONDS = 3;

function seed(ws: Workspace) {
  ws.write('Orders/o.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,10\n');
  ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,5\n');
  ws.write('Customers/c.json', '[{"Customer ID": 1}]');
}

/** Each command that opens the warehouse, as the CLI args that run it against `ws`. */
const COMMANDS: Record<string, (ws: Workspace) => string[]> = {
  status: (ws) => ['status', '--no-export', '--warehouse', ws.warehousePath],
  check: (ws) => ['check', '--warehouse', ws.warehousePath],
  report: (ws) => ['report', '--warehouse', ws.warehousePath, '--out', path.join(ws.root, 'report.html')],
  export: (ws) => ['export', '--warehouse', ws.warehousePath, '--postgres', pgUrl(), '--pg-schema', uniqueSchema('busy')],
  sql: (ws) => ['sql', 'select count(*) from ecommerce', '--warehouse', ws.warehousePath],
};

describe('every command that opens the warehouse waits while another process holds it', () => {
  const spaces: Workspace[] = [];
  const holders: Holder[] = [];
  afterEach(() => {
    for (const h of holders.splice(0)) h.kill();
    for (const ws of spaces.splice(0)) ws.cleanup();
  });

  async function seededWorkspace(name: string): Promise<Workspace> {
    const ws = makeWorkspace(name);
    spaces.push(ws);
    seed(ws);
    await ws.run();
    return ws;
  }

  it.each(Object.keys(COMMANDS))('%s waits for a warehouse held by a watch batch, says so, then succeeds', async (name) => {
    const ws = await seededWorkspace(`busy-${name}`);
    // held until the command says it waits (a fixed hold could end before a slow-starting command opens)
    const holder = await holdWarehouse(ws.warehousePath, 120);
    holders.push(holder);
    const child = spawnCli(COMMANDS[name]!(ws));
    await child.waitFor(/the warehouse is busy .*; waiting up to 60s/, 90_000);
    expect(holder.running()).toBe(true); // it is waiting, not done
    holder.kill();
    await holder.exited;
    const r = await child.done;
    expect(r.code, r.stderr).toBe(0); // it succeeded once the holder let go
  });

  it.each(Object.keys(COMMANDS))('%s with --wait 0 fails at once with WAREHOUSE_LOCKED', async (name) => {
    const ws = await seededWorkspace(`nowait-${name}`);
    const holder = await holdWarehouse(ws.warehousePath, 30);
    holders.push(holder);
    const r = await spawnCli([...COMMANDS[name]!(ws), '--wait', '0']).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error \[WAREHOUSE_LOCKED\]: the warehouse .* is in use by another process/);
    expect(holder.running()).toBe(true);
  });

  it('PIPELINE_WAIT sets the wait for every command; --wait overrides it', async () => {
    expect(loadConfig({}, {}).waitSeconds).toBe(60);
    expect(loadConfig({}, { PIPELINE_WAIT: '2.5' }).waitSeconds).toBe(2.5);
    expect(loadConfig({ wait: 0 }, { PIPELINE_WAIT: '9' }).waitSeconds).toBe(0);
    expect(() => loadConfig({}, { PIPELINE_WAIT: 'forever' })).toThrowError(/--wait \/ PIPELINE_WAIT/);
    const ws = await seededWorkspace('busy-env');
    holders.push(await holdWarehouse(ws.warehousePath, 30));
    const started = Date.now();
    const r = cli(['status', '--no-export', '--warehouse', ws.warehousePath], { PIPELINE_WAIT: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/waiting up to 1s[\s\S]*WAREHOUSE_LOCKED/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a run whose export races a sibling opener for the warehouse still exits 0 and exports', async () => {
    const ws = makeWorkspace('busy-run-export');
    spaces.push(ws);
    seed(ws);
    const schema = uniqueSchema('race');
    const gate = path.join(ws.root, 'gate');
    // The preload pauses the run's second open (the export's) until `gate` exists.
    const run = spawnCli(
      ['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath, '--postgres', pgUrl(), '--pg-schema', schema],
      { PIPELINE_EXPORT: '1', PIPELINE_TEST_GATE: gate },
      ['--import', path.join(ROOT, 'test/support/gateSecondOpen.preload.mjs')],
    );
    await run.waitFor(/gate: second open/);
    // The run committed and closed the warehouse; a sibling (watch batch, sql…) takes it first.
    const sibling = await holdWarehouse(ws.warehousePath, HOLD_SECONDS);
    holders.push(sibling);
    fs.writeFileSync(gate, '');
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/the warehouse is busy/);
    expect(r.stdout).toMatch(/run #1/);
    expect(await pgWatermark(schema)).toBe(1);
  });
});
