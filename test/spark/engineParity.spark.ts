import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { rng, randomCustomersJson, randomDeliveriesCsv, randomOrdersCsv } from '../support/randomDrops.js';
import { duckdbRun, engineWorkspace, expectSameResult, sparkCli, sparkEcommerce, type EngineWorkspace } from './sparkEngine.js';

const remote = inject('sparkRemote');
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function workspace(sample: boolean): EngineWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-engines-'));
  roots.push(root);
  return engineWorkspace(root, remote, sample ? 'all' : 'none');
}

let mtime = 1_750_000_000;
function drop(ws: EngineWorkspace, rel: string, content: string): void {
  const file = path.join(ws.dataDir, rel);
  fs.writeFileSync(file, content);
  mtime += 60;
  fs.utimesSync(file, mtime, mtime);
}

const t0 = Date.now();
const log = (what: string) => console.log(`[engine parity +${((Date.now() - t0) / 1000).toFixed(0)}s] ${what}`);

async function bothRun(ws: EngineWorkspace, label: string): Promise<number> {
  const spark = await sparkCli(ws, ['run', '--json']);
  log(`${label}: spark run ${(spark.ms / 1000).toFixed(1)}s`);
  expect(spark.code, `${label}: spark run\n${spark.stderr}`).toBe(0);
  await duckdbRun(ws);
  return expectSameResult(ws, label);
}

describe('the spark engine gives DuckDB’s ecommerce at every step (2-worker standalone cluster, Delta lake)', () => {
  it('sample data, then random drops (new files, late deliveries and customers, rewritten files, bad rows), a retract, and a rebuild', async () => {
    const ws = workspace(true);
    const groups = await bothRun(ws, 'sample data');
    expect(groups).toBeGreaterThan(4000);

    const r = rng(1701);
    // Small files with repeating keys, late rows for old windows, bad values and wrong field counts (randomDrops.ts).
    drop(ws, 'Orders/r1.csv', randomOrdersCsv(r));
    drop(ws, 'Deliveries/r1.csv', randomDeliveriesCsv(r));
    await bothRun(ws, 'new orders and deliveries');

    drop(ws, 'Customers/r1.json', randomCustomersJson(r));
    drop(ws, 'Orders/r1.csv', randomOrdersCsv(r)); // rewritten: the old version's rows are withdrawn
    drop(ws, 'Deliveries/r2.csv', randomDeliveriesCsv(r));
    await bothRun(ws, 'late customers, a rewritten file, more deliveries');

    const retract = await sparkCli(ws, ['retract', 'Deliveries/r1.csv', '--json']);
    expect(retract.code, retract.stderr).toBe(0);
    await duckdbRun(ws, { retract: 'Deliveries/r1.csv' });
    await expectSameResult(ws, 'after retract');

    // incremental == rebuild on the spark engine
    const before = await sparkEcommerce(ws);
    const rebuild = await sparkCli(ws, ['rebuild', '--json']);
    expect(rebuild.code, rebuild.stderr).toBe(0);
    expect(JSON.parse(rebuild.stdout).strategy).toBe('full');
    expect(await sparkEcommerce(ws)).toEqual(before);

    // a no-op run changes nothing and says so
    const noop = await sparkCli(ws, ['run', '--json']);
    expect(noop.code, noop.stderr).toBe(0);
    expect(JSON.parse(noop.stdout).changed).toBe(false);
    log(`no-op run ${(noop.ms / 1000).toFixed(1)}s`);
  }, 1_800_000);
});
