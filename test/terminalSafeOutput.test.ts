import { afterEach, expect, it } from 'vitest';
import { cli, makeWorkspace, type Workspace } from './support/fixtures.js';

const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';
// OSC 0 (set the window title) ended by BEL; and a one-character C1 CSI (U+009B) that sets red
const OSC = '\x1b]0;pwned\x07';
const C1 = '\x9b31m';
/** What a terminal acts on instead of printing (tab and line feed aside). */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

let ws: Workspace | undefined;
afterEach(() => ws?.cleanup());

it('run, status and explain print file names, SKUs, customer names and rejected values holding escape sequences visibly, never raw (text, --json, errors)', async () => {
  ws = makeWorkspace('termsafe');
  const w = ws;
  w.write(`Orders/${OSC}.csv`, `${HEADER}\n1,1,2024-03-01 10:00:00,${OSC},1,10\n2,1,2024-03-01 11:00:00,B,1,ten${OSC}\n`, 1);
  w.write(`Orders/q${C1}.csv`, 'Order ID,Customer ID\n3,1\n', 2); // no Order Time: quarantined
  w.write(`Orders/${C1}.tmp`, 'still being written', 3); // skipped
  w.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,5\n', 4);
  w.write('Customers/c.json', JSON.stringify({ 'Customer ID': 1, 'Customer Name': `${OSC}Mallory` }) + '\n', 5);

  const run = cli(['run', '--data', w.dataDir, '--warehouse', w.warehousePath]);
  expect(run.code).toBe(0);
  expect(run.stdout + run.stderr).not.toMatch(CONTROL);
  expect(run.stdout).toContain('QUARANTINED Orders/q\\x9b31m.csv: ');
  expect(run.stdout).toContain('Orders/\\x1b]0;pwned\\x07.csv: 1 of 2 rows rejected');
  expect(run.stdout).toContain('skipped "Orders/\\x9b31m.tmp"');

  const status = cli(['status', '--no-export', '--data', w.dataDir, '--warehouse', w.warehousePath]);
  expect(status.code, status.stderr).toBe(0);
  expect(status.stdout + status.stderr).not.toMatch(CONTROL);
  expect(status.stdout).toContain('Orders/q\\x9b31m.csv: ');
  expect(status.stdout).toContain('skipped "Orders/\\x9b31m.tmp"');

  const text = cli(['explain', '--order', '2', '--warehouse', w.warehousePath]);
  expect(text.stdout + text.stderr).not.toMatch(CONTROL);
  expect(text.stdout).toMatch(/Orders +Orders\/\\x1b\]0;pwned\\x07\.csv:3 +rejected +.*ten\\x1b\]0;pwned\\x07/);
  expect(text.stdout).toMatch(/Orders +Orders\/q\\x9b31m\.csv/); // the quarantined file that may hold it

  const json = cli(['explain', '--order', '2', '--json', '--warehouse', w.warehousePath]);
  expect(json.stdout).not.toMatch(CONTROL);
  const parsed = JSON.parse(json.stdout); // the same strings, escaped in JSON
  expect(parsed.history[0]).toMatchObject({ path: `Orders/${OSC}.csv`, outcome: 'rejected', reason: expect.stringContaining(`ten${OSC}`) });
  expect(parsed.quarantined_files).toEqual([{ path: `Orders/q${C1}.csv`, dataset: 'Orders', reason: expect.any(String) }]);

  const bad = cli(['explain', '--order', `${C1}${OSC}`, '--warehouse', w.warehousePath]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).not.toMatch(CONTROL);
  expect(bad.stderr).toContain('error [USAGE]: --order "\\x9b31m\\u001b]0;pwned\\u0007" is neither');
});
