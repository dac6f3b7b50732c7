import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settledRecordPath } from '../pipeline/run/settledRun.js';
import { ROOT, cliAsync, makeWorkspace, type Workspace } from './support/fixtures.js';

// Issue 18, "no-op run right after any run": after a clean run, `run` answers
// "nothing to do" from <warehouse>.settled.json without opening DuckDB
// (pipeline/run/settledRun.ts) — only while the drop folders, the warehouse
// files, the SQL, the window and the program are exactly what that run saw and
// left. These tests change each of them in turn and require the full check (the
// warehouse opened) every time, and the same report as the full check otherwise.
const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';
const FROM_RECORD = /the same files as the last run saw, the warehouse as it left it/;

let ws: Workspace | undefined;
afterEach(() => {
  ws?.cleanup();
  ws = undefined;
});

function workspace(): { ws: Workspace; args: string[] } {
  ws = makeWorkspace('settled');
  const ids = Array.from({ length: 40 }, (_, i) => i + 1);
  ws.write('Customers/c.json', JSON.stringify(ids.slice(0, 21).map((c) => ({ 'Customer ID': c }))));
  ws.write('Orders/o1.csv', `${HEADER}\n${ids.map((i) => `${i},${(i % 20) + 1},2024-03-${String((i % 28) + 1).padStart(2, '0')} 10:00:00,A,1,10`).join('\n')}\n`);
  ws.write('Deliveries/d1.csv', `Order ID,Distance(m)\n${ids.map((i) => `${i},100`).join('\n')}\n`);
  return { ws, args: ['--data', ws.dataDir, '--warehouse', ws.warehousePath] };
}

interface Run {
  code: number | null;
  report: Record<string, unknown>;
  fromRecord: boolean;
  stderr: string;
}

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const r = await cliAsync(['run', '--json', ...args], { PIPELINE_PROFILE: '1', ...env });
  let report: Record<string, unknown> = {};
  try {
    report = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    // an error: the caller looks at code and stderr
  }
  return { code: r.code, report, fromRecord: FROM_RECORD.test(r.stderr), stderr: r.stderr };
}

/** The report without its timing. */
const shape = (r: Run) => ({ ...r.report, seconds: 0 });

describe('a no-op run answers from the record of the last clean run, and only while nothing changed', () => {
  it('the same report as the full check, from a 0600 record; every later run too', async () => {
    const { ws, args } = workspace();
    const first = await run(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.report.changed).toBe(true);
    const record = settledRecordPath(ws.warehousePath);
    expect(fs.statSync(record).mode & 0o777).toBe(0o600);

    const fast = await run(args);
    expect(fast.code, fast.stderr).toBe(0);
    expect(fast.fromRecord).toBe(true);
    const full = await run(args, { PIPELINE_SETTLED_CHECK: '0' });
    expect(full.fromRecord).toBe(false);
    expect(full.stderr).toMatch(/\[profile\] run +\d+ ms +listed 3 files, hashed the new and changed \(0 new versions\)/);
    expect(shape(fast)).toEqual(shape(full));
    expect(fast.report).toMatchObject({ changed: false, filesSeen: 3, filesUnchanged: 3, resultRows: full.report.resultRows, warnings: [] });
    expect(Number(full.report.resultRows)).toBeGreaterThan(0);

    // an incremental run (it keeps its WAL) leaves a record too
    ws.write('Orders/o2.csv', `${HEADER}\n41,21,2024-03-02 10:00:00,B,2,20\n`);
    const second = await run(args);
    expect(second.report).toMatchObject({ changed: true, strategy: 'incremental' });
    expect(fs.existsSync(`${ws.warehousePath}.wal`)).toBe(true);
    const after = await run(args);
    expect(after.fromRecord).toBe(true);
    expect(after.report).toMatchObject({ changed: false, filesSeen: 4, resultRows: second.report.resultRows });
  });

  it('a touched, a chmod-ed, a removed and a new file each take the full check', async () => {
    const { ws, args } = workspace();
    expect((await run(args)).code).toBe(0);
    const o1 = path.join(ws.dataDir, 'Orders/o1.csv');

    fs.utimesSync(o1, 1_800_000_000, 1_800_000_000); // same content, new mtime: the ledger records the new stat
    const touched = await run(args);
    expect(touched.fromRecord).toBe(false);
    expect(touched.report, JSON.stringify(touched.report)).toMatchObject({ changed: false, filesUnchanged: 3 });
    expect((await run(args)).fromRecord).toBe(true);

    fs.chmodSync(o1, 0o640); // keeps size and mtime; a file quarantined as unreadable is retried after a chmod
    expect((await run(args)).fromRecord).toBe(false);
    expect((await run(args)).fromRecord).toBe(true);

    ws.write('Orders/o2.csv', `${HEADER}\n41,21,2024-03-02 10:00:00,B,2,20\n`);
    const added = await run(args);
    expect(added.fromRecord).toBe(false);
    expect(added.report).toMatchObject({ changed: true, rowsLoaded: 1 });

    ws.remove('Orders/o2.csv');
    const removed = await run(args);
    expect(removed.fromRecord).toBe(false);
    expect(removed.report).toMatchObject({ changed: false, filesSeen: 3 });
    expect((await run(args)).fromRecord).toBe(true);
  });

  it('a write to the warehouse by another command (sql --write, retract) takes the full check, which reports it', async () => {
    const { args } = workspace();
    expect((await run(args)).code).toBe(0);
    expect((await run(args)).fromRecord).toBe(true);

    const damage = await cliAsync(['sql', '--write', ...args, 'DELETE FROM ecommerce_state']);
    expect(damage.code, damage.stderr).toBe(0);
    const damaged = await run(args);
    expect(damaged.fromRecord).toBe(false);
    expect((damaged.report.warnings as string[]).join('\n')).toMatch(/the warehouse disagrees with itself/);
    // a run with a warning leaves no record: the next one checks again, and warns again
    const again = await run(args);
    expect(again.fromRecord).toBe(false);
    expect((again.report.warnings as string[]).join('\n')).toMatch(/the warehouse disagrees with itself/);
    expect((await cliAsync(['rebuild', '--no-export', ...args])).code).toBe(0);
    const repaired = await run(args);
    expect(repaired.fromRecord).toBe(false);
    expect(repaired.report.warnings).toEqual([]);
    expect((await run(args)).fromRecord).toBe(true);

    const retract = await cliAsync(['retract', '--no-export', ...args, 'Deliveries/d1.csv']);
    expect(retract.code, retract.stderr).toBe(0);
    const afterRetract = await run(args);
    expect(afterRetract.fromRecord).toBe(false);
    const full = await run(args, { PIPELINE_SETTLED_CHECK: '0' });
    expect(shape(afterRetract)).toEqual(shape(full));
  });

  it('edited SQL, another window and a record that is not one take the full check', async () => {
    const { ws, args } = workspace();
    expect((await run(args)).code).toBe(0);

    const sqlCopy = path.join(ws.root, 'sql');
    fs.cpSync(path.join(ROOT, 'sql'), sqlCopy, { recursive: true });
    const metrics = path.join(sqlCopy, 'marts', fs.readdirSync(path.join(sqlCopy, 'marts')).find((f) => f.endsWith('.sql'))!);
    fs.appendFileSync(metrics, '\n-- an edit\n');
    const edited = await run(args, { PIPELINE_SQL_DIR: sqlCopy });
    expect(edited.fromRecord).toBe(false);
    expect(String(edited.report.rebuildReason)).toMatch(/SQL changed/);
    expect((await run(args, { PIPELINE_SQL_DIR: sqlCopy })).fromRecord).toBe(true);

    const window = await run([...args, '--window', '7 days'], { PIPELINE_SQL_DIR: sqlCopy });
    expect(window.fromRecord).toBe(false);
    expect(String(window.report.rebuildReason)).toMatch(/window changed from 10 days to 7 days/);

    fs.writeFileSync(settledRecordPath(ws.warehousePath), '{"format":1,"key":');
    const garbage = await run([...args, '--window', '7 days'], { PIPELINE_SQL_DIR: sqlCopy });
    expect(garbage.fromRecord).toBe(false);
    expect(garbage.report.changed).toBe(false);
    expect((await run([...args, '--window', '7 days'], { PIPELINE_SQL_DIR: sqlCopy })).fromRecord).toBe(true);
  });

  it('bytes of the warehouse overwritten in place, size and mtime put back: the full check finds the damage', async () => {
    const { ws, args } = workspace();
    expect((await run(args)).code).toBe(0);
    expect((await run(args)).fromRecord).toBe(true);
    const file = ws.warehousePath;
    const before = fs.statSync(file);
    const fd = fs.openSync(file, 'r+');
    // every block after the three header pages: whatever the ledger and the result sit in is damaged
    const junk = Buffer.alloc(before.size - 3 * 4096, 0x5a);
    fs.writeSync(fd, junk, 0, junk.length, 3 * 4096);
    fs.closeSync(fd);
    fs.utimesSync(file, before.atime, before.mtime);
    expect(fs.statSync(file).size).toBe(before.size);
    const r = await run(args);
    expect(r.fromRecord).toBe(false);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/WAREHOUSE_CORRUPT/);
  });

  it('a warehouse without runs leaves no record: files put into data/archive/ afterwards are still read', async () => {
    ws = makeWorkspace('settled-fresh');
    const args = ['--data', ws.dataDir, '--warehouse', ws.warehousePath];
    const empty = await run(args);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.report.changed).toBe(false);
    expect(fs.existsSync(settledRecordPath(ws.warehousePath))).toBe(false);
    // a recovery: the loaded files come back into the archive, as `run --archive` had put them
    ws.write('archive/Orders/o1.csv', `${HEADER}\n1,1,2024-03-02 10:00:00,A,1,10\n`);
    ws.write('archive/Customers/c.json', '[{"Customer ID": 1}]');
    const restored = await run(args);
    expect(restored.fromRecord).toBe(false);
    expect(restored.report).toMatchObject({ changed: true, rowsLoaded: 2 });
    // that run warned (files read from the archive): the next one checks the warehouse and leaves the record
    expect((restored.report.warnings as string[]).join('\n')).toMatch(/fresh warehouse: 2 file\(s\) from/);
    expect((await run(args)).fromRecord).toBe(false);
    expect((await run(args)).fromRecord).toBe(true);
  });
});
