import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readEcommerce } from './support/compareRuns.js';
import { ROOT, cli, diffEcommerce, makeWorkspace, type Workspace } from './support/fixtures.js';
import { cliUnprivileged } from './support/unprivileged.js';
import { startWatch, type Watch } from './support/watchProcess.js';

const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';

function baseFiles(ws: Workspace): void {
  ws.write('Orders/o1.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n2,2,2024-03-02 10:00:00,B,2,20\n`);
  ws.write('Deliveries/d1.csv', 'Order ID,Distance(m)\n1,100\n2,200\n3,300\n');
  ws.write('Customers/c.json', '{"Customer ID": 1}\n{"Customer ID": 2}\n');
}

describe('files that cannot be read, and things that are not files', () => {
  const spaces: Workspace[] = [];
  const watches: Watch[] = [];
  afterEach(async () => {
    for (const w of watches.splice(0)) await w.stop('SIGKILL');
    for (const ws of spaces.splice(0)) ws.cleanup();
  });
  const workspace = (name: string) => {
    const ws = makeWorkspace(name);
    spaces.push(ws);
    return ws;
  };

  // Regression: a permission-denied file made every run exit 1 and nothing else loaded.
  it('quarantines a file it may not read with the reason, loads the others, and does not retry it until readable', () => {
    const ws = workspace('eacces');
    baseFiles(ws);
    const locked = ws.write('Orders/locked.csv', `${HEADER}\n3,1,2024-03-03 10:00:00,C,1,30\n`);
    fs.chmodSync(locked, 0o000);
    const args = ['run', '--json', '--data', ws.dataDir, '--warehouse', ws.warehousePath];
    const first = cliUnprivileged(args);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.files.map((f: { path: string; status: string }) => [f.path, f.status])).toEqual([
      ['Orders/o1.csv', 'loaded'],
      ['Deliveries/d1.csv', 'loaded'],
      ['Customers/c.json', 'loaded'],
      ['Orders/locked.csv', 'quarantined'],
    ]);
    expect(report.files[3].reason).toBe('cannot be read: permission denied (EACCES)');
    // the same failure is not retried on every run (watch would loop on it)
    expect(JSON.parse(cliUnprivileged(args).stdout)).toMatchObject({ changed: false });
    // readable again (chmod keeps the mtime): read on the next run
    fs.chmodSync(locked, 0o644);
    const fixed = JSON.parse(cliUnprivileged(args).stdout);
    expect(fixed.files).toMatchObject([{ path: 'Orders/locked.csv', status: 'loaded', rowsLoaded: 1 }]);
  });

  // Regression: symlinks, dangling symlinks, FIFOs and directories were skipped without a word.
  it('reads symlinks to regular files and reports every other entry with why it was skipped', async () => {
    const ws = workspace('entries');
    baseFiles(ws);
    const elsewhere = path.join(ws.root, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'real.csv'), `${HEADER}\n3,1,2024-03-03 10:00:00,C,1,30\n`);
    fs.symlinkSync(path.join(elsewhere, 'real.csv'), path.join(ws.dataDir, 'Orders/linked.csv'));
    fs.symlinkSync(path.join(elsewhere, 'missing.csv'), path.join(ws.dataDir, 'Orders/dangling.csv'));
    fs.symlinkSync(elsewhere, path.join(ws.dataDir, 'Orders/to-dir.csv'));
    fs.mkdirSync(path.join(ws.dataDir, 'Orders/subdir.csv'));
    execFileSync('mkfifo', [path.join(ws.dataDir, 'Orders/pipe.csv')]);
    const report = await ws.run();
    expect(report.files.map((f) => [f.path, f.status])).toContainEqual(['Orders/linked.csv', 'loaded']);
    const expected = [
      { path: 'Orders/dangling.csv', reason: 'dangling symlink (its target does not exist)' },
      { path: 'Orders/pipe.csv', reason: 'a named pipe (FIFO), not a regular file' },
      { path: 'Orders/subdir.csv', reason: 'a directory (drop folders are not read recursively), not a regular file' },
      { path: 'Orders/to-dir.csv', reason: 'symlink to a directory (drop folders are not read recursively), not to a regular file' },
    ];
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    expect([...report.filesIgnored].sort(byPath)).toEqual(expected);
    const status = cli(['status', '--json', '--no-export', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    expect(JSON.parse(status.stdout).ignored.sort(byPath)).toEqual(expected);
    const human = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    expect(human.stdout).toContain('skipped "Orders/pipe.csv": a named pipe (FIFO), not a regular file');
  });

  // Regression: watch died with an unhandled FSWatcher 'error' (EACCES stat) on a symlink it could not stat.
  it('watch logs a watcher error on a symlink it cannot stat and goes on watching', async () => {
    const ws = workspace('watcherr');
    baseFiles(ws);
    const closed = path.join(ws.root, 'closed');
    fs.mkdirSync(closed);
    fs.writeFileSync(path.join(closed, 'x.csv'), `${HEADER}\n`);
    fs.chmodSync(closed, 0o000);
    const watch = startWatch(ws, [], {}, { unprivileged: true });
    watches.push(watch);
    await watch.waitFor(/run #1 /);
    fs.symlinkSync(path.join(closed, 'x.csv'), path.join(ws.dataDir, 'Orders/forbidden.csv'));
    ws.write('Orders/later.csv', `${HEADER}\n9,1,2024-03-09 10:00:00,Z,1,90\n`);
    await watch.waitFor(/run #2 /);
    fs.chmodSync(closed, 0o755);
    expect(watch.child.exitCode).toBeNull();
    expect(watch.log()).toMatch(/watcher: .*EACCES.*still watching/);
    expect(watch.log()).not.toMatch(/Unhandled 'error' event|^\s+at /m);
    expect(await watch.stop()).toBe(0);
    expect(await ws.query(`SELECT count(*)::INT AS n FROM raw_orders WHERE Order_ID = 9`)).toEqual([{ n: 1 }]);
  });
});

describe('SQL edited while watch runs', () => {
  const spaces: Workspace[] = [];
  const watches: Watch[] = [];
  afterEach(async () => {
    for (const w of watches.splice(0)) await w.stop('SIGKILL');
    for (const ws of spaces.splice(0)) ws.cleanup();
  });

  // Regression: the next batch recorded the edited mart's checksum but ran the cached old text,
  // and the warehouse stayed wrong for good ("nothing to do").
  it('the next batch runs the edited SQL, equal to a from-scratch run under the new SQL', async () => {
    const ws = makeWorkspace('sqledit');
    spaces.push(ws);
    const sqlDir = path.join(ws.root, 'sql');
    fs.cpSync(path.join(ROOT, 'sql'), sqlDir, { recursive: true });
    const env = { PIPELINE_SQL_DIR: sqlDir };
    baseFiles(ws);
    const watch = startWatch(ws, [], env);
    watches.push(watch);
    await watch.waitFor(/run #1 /);
    const mart = path.join(sqlDir, 'marts/ecommerce_metrics.sql');
    const text = fs.readFileSync(mart, 'utf8');
    const edited = text.replace('sum(total)                     AS Total_Order_Amount', 'sum(total) + 1000              AS Total_Order_Amount');
    expect(edited).not.toBe(text);
    fs.writeFileSync(mart, edited);
    ws.write('Orders/o2.csv', `${HEADER}\n3,1,2024-03-03 10:00:00,C,1,30\n`);
    await watch.waitFor(/run #2 /);
    expect(await watch.stop()).toBe(0);

    const scratch = makeWorkspace('sqledit-scratch');
    spaces.push(scratch);
    fs.cpSync(ws.dataDir, scratch.dataDir, { recursive: true, preserveTimestamps: true });
    expect(cli(['run', '--data', scratch.dataDir, '--warehouse', scratch.warehousePath], env).code).toBe(0);
    const watched = await readEcommerce(ws.warehousePath);
    expect(diffEcommerce(watched, await readEcommerce(scratch.warehousePath))).toEqual([]);
    expect(watched.every((r) => Number(r.Total_Order_Amount) > 1000)).toBe(true);
    // and a later run has nothing left to fix
    expect(JSON.parse(cli(['run', '--json', '--data', ws.dataDir, '--warehouse', ws.warehousePath], env).stdout)).toMatchObject({ changed: false });
  });
});
