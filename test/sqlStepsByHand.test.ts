import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { readEcommerce } from './support/compareRuns.js';
import { cli, makeWorkspace, ROOT, type Workspace } from './support/fixtures.js';

let ws: Workspace;
afterEach(() => ws?.cleanup());

// sql/README.md promises that a data engineer can run the steps of a run by hand
// in `pipeline sql --write --session`; this runs its recipe.
it('the run steps in sql/ run by hand, as sql/README.md shows, and change nothing when nothing changed', async () => {
  ws = makeWorkspace('by-hand');
  ws.write('Customers/c.ndjson', '{"Customer ID": 1}\n{"Customer ID": 2}\n');
  ws.write('Orders/o.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,10\n2,2,2024-03-02 10:00:00,B,2,20\n');
  ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,100\n2,200\n');
  expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
  const before = await readEcommerce(ws.warehousePath);

  const readme = fs.readFileSync(path.join(ROOT, 'sql/README.md'), 'utf8');
  const recipe = /cat > \/tmp\/steps\.sql <<'SQL'\n([\s\S]*?)\nSQL\n/.exec(readme)![1]!;
  const script = path.join(ws.root, 'steps.sql');
  fs.writeFileSync(script, recipe.replace("SELECT 3 AS file_id", 'SELECT 2 AS file_id')); // file 2 = Orders/o.csv here
  const r = cli(['sql', '--write', '--session', '--format', 'csv', '--warehouse', ws.warehousePath, '--file', script], { PIPELINE_SQL_DIR: '' });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('changed\n0');
  expect(r.stdout).toContain('gone\n0');
  expect(await readEcommerce(ws.warehousePath)).toEqual(before);
});
