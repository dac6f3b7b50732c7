import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, ROOT, cli, makeWorkspace, type Workspace } from './support/fixtures.js';

function runChild(ws: Workspace, env: NodeJS.ProcessEnv): Promise<{ pid: number; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'run', '--no-export', '--data', ws.dataDir, '--warehouse', ws.warehousePath], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    child.on('exit', (_code, signal) => resolve({ pid: child.pid!, signal }));
  });
}

describe('private read folders', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  // Regression: kill -9 during a run left /tmp/pipeline-read-* folders behind for good.
  it('a run killed with SIGKILL while reading leaves its folder; the next run removes it, not a live process\'s', async () => {
    ws = makeWorkspace('stale-read');
    const tmp = path.join(ws.root, 'tmp');
    fs.mkdirSync(tmp);
    ws.write('Orders/a.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,10\n');
    const killed = await runChild(ws, { PIPELINE_CRASH_AT: 'while-reading', TMPDIR: tmp });
    expect(killed.signal).toBe('SIGKILL');
    const left = fs.readdirSync(tmp);
    expect(left).toEqual([expect.stringMatching(new RegExp(`^pipeline-read-${killed.pid}-`))]);
    expect(fs.readdirSync(path.join(tmp, left[0]!))).toEqual(['input.csv']);
    // A folder whose owner still runs (this test process) is left alone.
    const live = `pipeline-read-${process.pid}-live`;
    fs.mkdirSync(path.join(tmp, live));
    const next = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath], { TMPDIR: tmp });
    expect(next.code, next.stderr).toBe(0);
    expect(fs.readdirSync(tmp)).toEqual([live]);
    expect(await ws.query('SELECT Order_ID FROM raw_orders')).toEqual([{ Order_ID: 1 }]);
  });
});
