import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, makeWorkspace, type Workspace } from './support/fixtures.js';

// Issue 18: a run that recomputed everything (first build, rebuild) checkpoints at its
// close, so later opens do not replay its write-ahead log (8 MB after a 4,003-file first
// build: +0.3-0.6 s on every following run); a small incremental run still keeps its WAL
// for the next open (Warehouse.ts, KEEP_WAL_BELOW_BYTES), as before.
const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';

let ws: Workspace | undefined;
afterEach(() => {
  if (ws) fs.rmSync(ws.root, { recursive: true, force: true });
  ws = undefined;
});

describe('the write-ahead log a run leaves', () => {
  it('a first build and a rebuild leave none; a small incremental run keeps its small WAL', () => {
    ws = makeWorkspace('wal-after-run');
    const wal = `${ws.warehousePath}.wal`;
    const walBytes = () => (fs.existsSync(wal) ? fs.statSync(wal).size : 0);
    // 40 orders of 20 customers, so one more order is an incremental run (under the full-recompute share)
    const ids = Array.from({ length: 40 }, (_, i) => i + 1);
    ws.write('Customers/c.json', JSON.stringify(ids.slice(0, 21).map((c) => ({ 'Customer ID': c }))));
    ws.write('Orders/o1.csv', `${HEADER}\n${ids.map((i) => `${i},${(i % 20) + 1},2024-03-${String((i % 28) + 1).padStart(2, '0')} 10:00:00,A,1,10`).join('\n')}\n`);
    ws.write('Deliveries/d1.csv', `Order ID,Distance(m)\n${[...ids, 41].map((i) => `${i},100`).join('\n')}\n`);
    const args = ['--data', ws.dataDir, '--warehouse', ws.warehousePath];

    const first = cli(['run', '--no-export', ...args]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/\(full/);
    expect(walBytes()).toBe(0);

    ws.write('Orders/o2.csv', `${HEADER}\n41,21,2024-03-02 10:00:00,B,2,20\n`);
    const second = cli(['run', '--no-export', ...args]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/\(incremental\)/);
    expect(walBytes()).toBeGreaterThan(0);

    const rebuild = cli(['rebuild', '--no-export', ...args]);
    expect(rebuild.code, rebuild.stderr).toBe(0);
    expect(walBytes()).toBe(0);
  });
});
