import { afterEach, describe, expect, it } from 'vitest';
import { readEcommerce } from './support/compareRuns.js';
import { cliAsync, diffEcommerce, makeWorkspace, type Workspace } from './support/fixtures.js';

/**
 * Damage done by hand (`sql --write`) to the ledger, raw rows, keyed state or
 * result: `check` (the data tests of sql/tests/) finds it and says what
 * repairs it, `status` shows it (exit 1), `run` does not claim all is fine,
 * and `rebuild` repairs it.
 */
function seed(ws: Workspace) {
  ws.write('Orders/a.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,10\n2,2,2024-03-02 10:00:00,B,2,20\n3,1,2024-03-20 10:00:00,C,1,5\n');
  ws.write('Orders/b.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n4,2,2024-03-05 10:00:00,D,3,40\n');
  ws.write('Deliveries/a.csv', 'Order ID,Distance(m)\n1,100\n2,200\n3,300\n4,5\n');
  ws.write('Customers/a.json', '[{"Customer ID": 1}, {"Customer ID": 2}]');
}

describe('damage done by hand is found, shown and repaired', () => {
  const spaces: Workspace[] = [];
  afterEach(() => {
    for (const ws of spaces.splice(0)) ws.cleanup();
  });

  async function damaged(name: string, statement: string) {
    const ws = makeWorkspace(`damage-${name}`);
    spaces.push(ws);
    seed(ws);
    const args = ['--data', ws.dataDir, '--warehouse', ws.warehousePath];
    expect((await cliAsync(['run', ...args])).code).toBe(0);
    const before = await readEcommerce(ws.warehousePath);
    const write = await cliAsync(['sql', statement, '--write', ...args]);
    expect(write.code, write.stderr).toBe(0);
    return { ws, args, before };
  }

  async function expectFound(args: string[], test: string, probe: RegExp | undefined) {
    const check = await cliAsync(['check', ...args]);
    expect(check.code, check.stdout).toBe(1);
    expect(check.stdout).toMatch(new RegExp(`FAIL tests/${test}\\.sql \\(\\d+ rows\\)[^\\n]*\\n(.*\\n)*?\\s+repair: \`pipeline rebuild\``));
    const status = await cliAsync(['status', '--no-export', ...args]);
    expect(status.code, status.stdout + status.stderr).toBe(1);
    expect(status.stdout).toMatch(new RegExp(`consistency: PROBLEM: the warehouse disagrees with itself: .*sql/tests/${test}\\.sql`));
    expect(status.stdout).toMatch(/`pipeline rebuild` repairs it/);
    const run = await cliAsync(['run', ...args]);
    expect(run.code, run.stderr).toBe(0);
    if (probe) expect(run.stdout).toMatch(probe);
  }

  async function expectRepairedByRebuild(ws: Workspace, args: string[], before: Record<string, unknown>[]) {
    const rebuild = await cliAsync(['rebuild', ...args]);
    expect(rebuild.code, rebuild.stderr).toBe(0);
    expect(rebuild.stdout).not.toMatch(/disagrees|could not repair/);
    expect(diffEcommerce(await readEcommerce(ws.warehousePath), before)).toEqual([]);
    const check = await cliAsync(['check', ...args]);
    expect(check.code, check.stdout).toBe(0);
    const status = await cliAsync(['status', '--no-export', ...args]);
    expect(status.code, status.stdout).toBe(0);
    expect(status.stdout).toMatch(/consistency: ok/);
  }

  it('every row of ecommerce_state deleted: check fails, status shows it, run warns, rebuild repairs', async () => {
    const { ws, args, before } = await damaged('result', 'DELETE FROM ecommerce_state');
    await expectFound(args, 'ecommerce_matches_keyed_state', /warning: the warehouse disagrees with itself \(ecommerce is empty, but the keyed state has orders[^\n]*`pipeline rebuild` repairs it/);
    await expectRepairedByRebuild(ws, args, before);
  });

  it('one result row changed: check and status (data tests) find it', async () => {
    const { ws, args, before } = await damaged('result-row', 'UPDATE ecommerce_state SET Total_Order_Amount = Total_Order_Amount + 1 WHERE Customer_ID = 2');
    await expectFound(args, 'ecommerce_matches_keyed_state', undefined);
    await expectRepairedByRebuild(ws, args, before);
  });

  it('one ledger row deleted: its raw rows without a ledger entry are found; rebuild drops them and the next run loads the file again', async () => {
    const { ws, args, before } = await damaged('ledger', `DELETE FROM pipeline_files WHERE path = 'Orders/b.csv'`);
    const check = await cliAsync(['check', ...args]);
    expect(check.stdout).toMatch(/FAIL tests\/raw_rows_have_ledger_entry\.sql \(1 rows\)/);
    expect(check.stdout).toMatch(/"tbl":"raw_orders"[^\n]*"rows_without_ledger_entry":"1"/);
    const status = await cliAsync(['status', '--no-export', ...args]);
    expect(status.stdout).toMatch(/raw_orders holds 4 rows, the ledger's loaded Orders files account for 3/);
    const rebuild = await cliAsync(['rebuild', ...args]);
    expect(rebuild.code, rebuild.stderr).toBe(0);
    expect(await ws.query('SELECT count(*) AS n FROM raw_orders')).toEqual([{ n: 3 }]);
    expect((await cliAsync(['check', ...args])).code).toBe(0);
    const run = await cliAsync(['run', ...args]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/disagrees/);
    expect(diffEcommerce(await readEcommerce(ws.warehousePath), before)).toEqual([]);
    expect((await cliAsync(['check', ...args])).code).toBe(0);
  });

  it('keyed state changed or deleted: check finds keyed state that disagrees with the raw rows', async () => {
    const { ws, args, before } = await damaged('keyed', 'UPDATE cur_orders SET Order_Total = 99 WHERE Order_ID = 1; DELETE FROM cur_deliveries WHERE Order_ID = 4');
    const check = await cliAsync(['check', ...args]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/FAIL tests\/keyed_state_matches_raw\.sql \(2 rows\)/);
    expect(check.stdout).toMatch(/"tbl":"cur_orders","key":"1","expected_file_id":"1","expected_row":"0","found_file_id":"1","found_row":"0","values_differ":true/);
    expect(check.stdout).toMatch(/"tbl":"cur_deliveries","key":"4",[^\n]*"found_file_id":null/);
    await expectFound(args, 'keyed_state_matches_raw', undefined);
    await expectRepairedByRebuild(ws, args, before);
  });
});
