import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../pipeline/export/runExport.js';
import { generateDataset } from '../pipeline/generate/generateDataset.js';
import { NO_PROGRESS } from '../pipeline/progress/ProgressReporter.js';
import { renderProgressLine } from '../pipeline/progress/renderProgressLine.js';
import { terminalProgress, type ProgressStream } from '../pipeline/progress/terminalProgress.js';
import { makeWorkspace, type Workspace } from './support/fixtures.js';
import { pgUrl, uniqueSchema } from './support/postgres.js';

/** A fake terminal (or, with isTTY false, a pipe) recording every write. */
function fakeStream(isTTY: boolean): ProgressStream & { writes: string[] } {
  const writes: string[] = [];
  return { isTTY, columns: 100, writes, write: (t: string) => writes.push(t) };
}

const ERASE = /\r(\x1b\[\d+A)?\x1b\[J$/;

let ws: Workspace;
beforeAll(async () => {
  ws = makeWorkspace('progress');
  // One big orders file (and one deliveries file): reading it takes long enough for several redraws.
  await generateDataset({ outDir: ws.dataDir, orders: 300_000, customers: 20_000, seed: 7, files: 1 });
});
afterAll(() => ws?.cleanup());

describe('progress on long work', () => {
  it('a run over one big file redraws one bar per running stage on a TTY, then erases them; the export shows rows copied', async () => {
    const tty = fakeStream(true);
    const progress = terminalProgress(tty);
    const report = await ws.run({ progress });
    expect(report.rowsLoaded).toBeGreaterThanOrEqual(600_000);
    const frames = tty.writes.filter((w) => /\S/.test(w.replace(ERASE, '')));
    expect(frames.length).toBeGreaterThanOrEqual(3);
    const text = tty.writes.join('');
    expect(text).toMatch(/read Orders\/orders_\S+\.csv \(\d+\/\d+\)/);
    expect(text).toMatch(/(keyed state|metrics) +\[/);
    // Every redraw first erases the previous one; the last write only erases.
    expect(tty.writes.at(-1)).toMatch(/^\r(\x1b\[\d+A)?\x1b\[J$/);
    for (const line of text.split(/\r|\n|\x1b\[J/)) expect([...line.replace(/\x1b\[\d+A/g, '')].length).toBeLessThan(100);

    const before = tty.writes.length;
    const sync = await runExport(ws.config, { postgres: pgUrl(), pgSchema: uniqueSchema('progress'), progress });
    expect(sync.rowsUpserted).toBe(report.resultRows);
    const exportText = tty.writes.slice(before).join('');
    // Only when the copy outlasted a redraw interval (no timing assertions).
    if (tty.writes.length > before) {
      expect(exportText).toMatch(/export to \S+\.ecommerce +\[/);
      expect(tty.writes.at(-1)).toMatch(ERASE);
    }
  });

  it('nothing is written when the stream is not a TTY (CI, pipes)', async () => {
    const pipe = fakeStream(false);
    const progress = terminalProgress(pipe);
    expect(progress).toBe(NO_PROGRESS);
    ws.write('Orders/late.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n999999999,1,2024-03-01 10:00:00,A,1,10\n');
    const report = await ws.run({ progress });
    expect(report.rowsLoaded).toBe(1);
    expect(pipe.writes).toEqual([]);
  });

  it('a reporter shown only after a delay (watch: batches over ~2 s) writes nothing for a short stage', async () => {
    const tty = fakeStream(true);
    const progress = terminalProgress(tty, { showAfterMs: 60_000, intervalMs: 5 });
    const stage = progress.stage('read Orders/x.csv', 100, 'bytes');
    stage.update(50);
    await new Promise((r) => setTimeout(r, 50));
    stage.end();
    expect(tty.writes).toEqual([]);
  });

  it('a progress line shows share, amounts, rate and ETA, cut to the width', () => {
    const line = renderProgressLine({ name: 'read Orders/big.csv', unit: 'bytes', done: 50e6, total: 200e6, elapsed: 5 }, 120);
    expect(line).toBe('read Orders/big.csv  [████░░░░░░░░░░░░]  25%  50.0 MB / 200.0 MB  10.0 MB/s  ETA 15s  5s');
    expect(renderProgressLine({ name: 'export', unit: 'rows', done: 1000, total: 4000, elapsed: 2 }, 200)).toContain('1000 rows / 4000 rows  500 rows/s  ETA 6s');
    expect([...renderProgressLine({ name: 'x'.repeat(300), unit: 'percent', done: 1, total: 100, elapsed: 1 }, 40)]).toHaveLength(39);
  });
});
