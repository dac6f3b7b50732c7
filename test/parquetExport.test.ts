import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quotedString } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_PARTITION, PARQUET_SNAPSHOTS_KEPT } from '../pipeline/export/exportParquet.js';
import { withParquetLock } from '../pipeline/export/parquetLock.js';
import { PipelineError } from '../pipeline/errors/PipelineError.js';
import { ECOMMERCE_COLUMNS } from '../pipeline/contract/ecommerceColumns.js';
import { readEcommerce } from './support/compareRuns.js';
import { CLI, ROOT, cli, diffEcommerce, makeWorkspace, type Workspace } from './support/fixtures.js';
import { spawnCli } from './support/spawnCli.js';
import { plainValue } from '../pipeline/shell/formatRows.js';
import { withWarehouse } from '../pipeline/warehouse/Warehouse.js';

const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';
const COLUMNS = `Customer_ID, Total_Order_Amount, Average_Order_Amount, Order_Count, Highest_Order_Amount, Lowest_Order_Amount,
  Total_Quantity_Ordered, Average_Quantity_Per_Ordered, Total_Delivery_Distance, Average_Delivery_Distance, Distict_Products,
  start_timestamp, end_timestamp`;
const ROW_HASH = `sum(hash(${COLUMNS}))::VARCHAR`;

/**
 * What README's "Parquet out" section tells a reader to run (the `duckdb -c "…"`
 * statements), paths relative to the folder that holds `lake/`.
 */
function readmeReader(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Parquet out'));
  const command = /duckdb -c "([^"]*)"/.exec(section)?.[1];
  if (!command) throw new Error('README.md: no duckdb -c "…" reader in the Parquet out section');
  return command.split(';').map((s) => s.trim()).filter((s) => s !== '');
}

/** README's reader with its final SELECT list replaced by `select` (same FROM): what one read returns. */
function readmeReaderSelecting(select: string): string[] {
  const statements = readmeReader();
  const last = statements.pop()!;
  expect(last).toMatch(/^SELECT count\(\*\) FROM read_parquet\(/);
  return [...statements, last.replace(/^SELECT count\(\*\)/, `SELECT ${select}`)];
}

/** Runs README's reader in a child process (cwd: the folder holding lake/), `maxReads` times or until `stopFile` exists. */
let readers = 0;
function startReader(cwd: string, statements: string[], maxReads: number) {
  const stopFile = path.join(cwd, `stop-reading-${++readers}`);
  const child = spawn(process.execPath, [path.join(ROOT, 'test/support/parquetReader.child.mjs'), JSON.stringify({ statements, stopFile, maxReads })], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<{ reads: number; results: Record<string, number>; errors: string[] }>((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`reader exited ${code}: ${err}`)))),
  );
  return { done, stop: () => fs.writeFileSync(stopFile, '') };
}

/** The snapshot the manifest names, read back with DuckDB as one table, in ecommerce's shape. */
async function readSnapshot(dir: string): Promise<Record<string, unknown>[]> {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'ecommerce', '_manifest.json'), 'utf8'));
  return withWarehouse({ path: ':memory:' }, async (w) =>
    (await w.all(
      `SELECT ${COLUMNS} FROM read_parquet(${quotedString(path.join(dir, manifest.snapshot, '**', '*.parquet'))}, hive_partitioning = true)
       ORDER BY Customer_ID, start_timestamp`,
    )).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plainValue(v)]))),
  );
}

function inodes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const root = fs.realpathSync(path.join(dir, 'ecommerce'));
  for (const part of fs.readdirSync(root).filter((n) => n.startsWith('window_month='))) {
    for (const f of fs.readdirSync(path.join(root, part))) out.set(`${part}/${f}`, fs.statSync(path.join(root, part, f)).ino);
  }
  return out;
}

/** Orders for `customers` customers in each of `months` months from 2023-01 (amounts scaled by `scale`), with deliveries and customers. */
function writeMonths(ws: Workspace, months: number, customers: number, scale: number): void {
  const orders: string[] = [];
  const deliveries: string[] = [];
  let id = 1;
  for (let m = 0; m < months; m++) {
    const month = `${2023 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
    for (let c = 1; c <= customers; c++) {
      orders.push(`${id},${c},${month}-1${c % 10} 10:00:00,S${c},${1 + (c % 3)},${(10 + c + m) * scale}`);
      deliveries.push(`${id},${id * 10}`);
      id++;
    }
  }
  ws.write('Orders/o.csv', `${HEADER}\n${orders.join('\n')}\n`);
  ws.write('Deliveries/d.csv', `Order ID,Distance(m)\n${deliveries.join('\n')}\n`);
  ws.write('Customers/c.json', JSON.stringify(Array.from({ length: customers }, (_, i) => ({ 'Customer ID': i + 1 }))));
}

const exportArgs = (out: string, ws: Workspace) => ['export', '--parquet', out, '--json', '--warehouse', ws.warehousePath];

describe('Parquet export', () => {
  const spaces: Workspace[] = [];
  let ws: Workspace;
  afterEach(() => {
    ws?.cleanup();
    for (const s of spaces.splice(0)) s.cleanup();
  });

  it('writes a Hive-partitioned snapshot equal to ecommerce, then rewrites only the partitions a change touched', async () => {
    ws = makeWorkspace('pqout');
    const out = path.join(ws.root, 'lake');
    ws.write('Orders/o.csv', `${HEADER}\n1,1,2024-01-15 10:00:00,A,1,10\n2,1,2024-02-15 10:00:00,B,2,20\n3,2,2024-03-15 10:00:00,C,3,30\n`);
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,1\n2,2\n3,3\n4,4\n');
    ws.write('Customers/c.json', '{"Customer ID": 1}\n{"Customer ID": 2}\n');
    await ws.run();
    const first = cli(exportArgs(out, ws));
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ version: 1, rows: 3, partitions: 3, mode: 'full', written: ['2024-01', '2024-02', '2024-03'] });
    expect(diffEcommerce(await readSnapshot(out), await readEcommerce(ws.warehousePath))).toEqual([]);
    const before = inodes(out);

    // a late order in February, and the March order's file withdrawn
    ws.write('Orders/late.csv', `${HEADER}\n4,1,2024-02-16 10:00:00,D,1,5\n`);
    await ws.run();
    ws.write('Orders/o.csv', `${HEADER}\n1,1,2024-01-15 10:00:00,A,1,10\n2,1,2024-02-15 10:00:00,B,2,20\n`);
    await ws.run();
    const second = JSON.parse(cli(exportArgs(out, ws)).stdout);
    expect(second).toMatchObject({ version: 3, rows: 2, partitions: 2, mode: 'incremental', written: ['2024-02'] });
    expect(diffEcommerce(await readSnapshot(out), await readEcommerce(ws.warehousePath))).toEqual([]);
    const after = inodes(out);
    // January untouched: the same file (hard link); February rewritten; March gone
    const jan = [...before.keys()].find((k) => k.startsWith('window_month=2024-01'))!;
    expect(after.get(jan)).toBe(before.get(jan));
    const feb = [...after.keys()].find((k) => k.startsWith('window_month=2024-02'))!;
    expect(after.get(feb)).not.toBe(before.get(feb));
    expect([...after.keys()].some((k) => k.startsWith('window_month=2024-03'))).toBe(false);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'ecommerce', '_manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ version: 3, rows: 2, snapshot: fs.readlinkSync(path.join(out, 'ecommerce')) });
    expect(manifest.files).toEqual([...after.keys()].sort());
    // the swap is a symlink rename; the previous snapshot stays whole for readers that resolved it
    expect(fs.lstatSync(path.join(out, 'ecommerce')).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(out).filter((n) => n.startsWith('.ecommerce-v'))).toHaveLength(2);
    // a rebuilt warehouse (versions start over) gets a full snapshot
    fs.rmSync(ws.warehousePath);
    await ws.run();
    expect(JSON.parse(cli(exportArgs(out, ws)).stdout)).toMatchObject({ version: 1, mode: 'full' });
    expect(diffEcommerce(await readSnapshot(out), await readEcommerce(ws.warehousePath))).toEqual([]);
  });

  it("a reader doing what README says reads one whole snapshot while exports repeat; the last snapshots stay, older ones go", async () => {
    // two warehouses with different contents take turns exporting into one lake: every read must be all A or all B
    const a = makeWorkspace('pq-read-a');
    const b = makeWorkspace('pq-read-b');
    spaces.push(a, b);
    writeMonths(a, 24, 4, 1);
    writeMonths(b, 20, 3, 3);
    await a.run();
    await b.run();
    const lake = path.join(a.root, 'lake');
    const statements = readmeReaderSelecting(`count(*) AS n, ${ROW_HASH} AS h`);
    const readOnce = async () => Object.keys((await startReader(a.root, statements, 1).done).results)[0]!;
    expect(cli(exportArgs(lake, a)).code).toBe(0);
    const contentA = await readOnce();
    expect(cli(exportArgs(lake, b)).code).toBe(0);
    const contentB = await readOnce();
    expect(contentA).not.toBe(contentB);
    expect(JSON.parse(contentA).row[0]).toBe('96');

    const reader = startReader(a.root, statements, 200_000);
    const exports = 6;
    for (let i = 0; i < exports; i++) {
      const r = cli(exportArgs(lake, i % 2 === 0 ? a : b));
      expect(r.code, r.stderr).toBe(0);
    }
    reader.stop();
    const seen = await reader.done;
    expect(seen.errors).toEqual([]);
    expect(seen.reads).toBeGreaterThan(0);
    for (const result of Object.keys(seen.results)) expect([contentA, contentB], `a read returned ${result}`).toContain(result);

    // kept: the newest snapshot folders, exactly those in the records; the link names the newest
    const folders = fs.readdirSync(lake).filter((n) => n.startsWith('.ecommerce-v')).sort();
    const records = JSON.parse(fs.readFileSync(path.join(lake, '.ecommerce-exports.json'), 'utf8'));
    expect(folders).toHaveLength(PARQUET_SNAPSHOTS_KEPT);
    expect([...records.snapshots].sort()).toEqual(folders);
    expect(records.snapshots.at(-1)).toBe(fs.readlinkSync(path.join(lake, 'ecommerce')));
  });

  it('concurrent exports into one folder take turns, all succeed, and clean-up leaves look-alike folders alone', async () => {
    ws = makeWorkspace('pq-concurrent');
    writeMonths(ws, 6, 4, 1);
    await ws.run();
    const lake = path.join(ws.root, 'lake');
    // a user's folders whose names look like the exporter's, and a stale lock of a process that is gone
    for (const d of ['.ecommerce-v-mybackup', '.ecommerce-vault', '.ecommerce-v9-123-abcdef01']) {
      fs.mkdirSync(path.join(lake, d), { recursive: true });
      fs.writeFileSync(path.join(lake, d, 'keep.txt'), d);
    }
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    fs.writeFileSync(path.join(lake, '.ecommerce.lock'), JSON.stringify({ pid: gone, start: null, host: os.hostname(), since: 'then' }));

    const children = Array.from({ length: 8 }, () => spawnCli(exportArgs(lake, ws)));
    const results = await Promise.all(children.map((c) => c.done));
    for (const d of ['.ecommerce-v-mybackup', '.ecommerce-vault', '.ecommerce-v9-123-abcdef01']) {
      expect(fs.readFileSync(path.join(lake, d, 'keep.txt'), 'utf8')).toBe(d);
    }
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    // one after the other: the first writes everything, the others find it equal to the warehouse
    expect(results.filter((r) => JSON.parse(r.stdout).mode === 'full')).toHaveLength(1);
    expect(diffEcommerce(await readSnapshot(lake), await readEcommerce(ws.warehousePath))).toEqual([]);
    expect(fs.existsSync(path.join(lake, '.ecommerce.lock'))).toBe(false);
    const records = JSON.parse(fs.readFileSync(path.join(lake, '.ecommerce-exports.json'), 'utf8'));
    expect(records.snapshots).toHaveLength(PARQUET_SNAPSHOTS_KEPT);
    expect(records.pending).toEqual([]);
    const ours = fs.readdirSync(lake).filter((n) => /^\.ecommerce-v\d+-\d+-[0-9a-f]{8}$/.test(n) && n !== '.ecommerce-v9-123-abcdef01');
    expect(ours.sort()).toEqual([...records.snapshots].sort());
  });

  it('a bad --parquet folder is a USAGE error at once, and nothing is written', () => {
    ws = makeWorkspace('pq-badtarget');
    ws.write('Orders/o.csv', `${HEADER}\n1,1,2024-01-15 10:00:00,A,1,10\n`);
    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    const cwd = fs.mkdtempSync(path.join(ws.root, 'cwd-'));
    const file = path.join(ws.root, 'a-file');
    fs.writeFileSync(file, 'x');
    const targets: string[][] = [['--parquet', ''], ['--parquet'], ['--parquet', path.join(file, 'lake')], ['--parquet', file]];
    if (fs.existsSync('/proc/self')) targets.push(['--parquet', '/proc/lake']);
    for (const target of targets) {
      const r = spawnSync(process.execPath, [CLI, 'export', ...target, '--warehouse', ws.warehousePath], {
        cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PIPELINE_EXPORT: '0', DATABASE_URL: '' },
      });
      expect(r.status, `${target.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/error \[USAGE\]: --parquet/);
      expect(fs.readdirSync(cwd)).toEqual([]);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('an empty ecommerce reads as an empty table with the columns, and the next export drops the placeholder', async () => {
    ws = makeWorkspace('pq-empty');
    await ws.run();
    const lake = path.join(ws.root, 'lake');
    const r = cli(exportArgs(lake, ws));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 0, partitions: 0, files: [`${EMPTY_PARTITION}/data_0.parquet`] });
    const counted = await startReader(ws.root, readmeReader(), 1).done;
    expect(counted.errors).toEqual([]);
    expect(JSON.parse(Object.keys(counted.results)[0]!).row).toEqual(['0']);
    const described = await startReader(ws.root, readmeReaderSelecting('*'), 1).done;
    expect(described.errors).toEqual([]);
    expect(JSON.parse(Object.keys(described.results)[0]!)).toEqual({ columns: [...ECOMMERCE_COLUMNS.map((c) => c.name), 'window_month'], row: null });

    writeMonths(ws, 1, 1, 1);
    await ws.run();
    const next = JSON.parse(cli(exportArgs(lake, ws)).stdout);
    expect(next).toMatchObject({ rows: 1, files: ['window_month=2023-01/data_0.parquet'] });
    expect(diffEcommerce(await readSnapshot(lake), await readEcommerce(ws.warehousePath))).toEqual([]);
  });

  it('rows removed without tombstones (a replaced warehouse, a hand DELETE or UPDATE) leave the lake at the next export; a half-built first build is never exported', async () => {
    ws = makeWorkspace('pq-ghosts');
    const lake = path.join(ws.root, 'lake');
    writeMonths(ws, 6, 3, 1); // 2023-01 … 2023-06
    // a first build killed after its result was committed (before its last part): the export refuses it, writes nothing
    const killed = spawnSync(process.execPath, [CLI, 'run', '--data', ws.dataDir, '--warehouse', ws.warehousePath], {
      cwd: ROOT, env: { ...process.env, PIPELINE_EXPORT: '0', DATABASE_URL: '', PIPELINE_CRASH_AT: 'before-commit' },
    });
    expect(killed.signal).toBe('SIGKILL');
    const half = cli(exportArgs(lake, ws));
    expect(half.code).not.toBe(0);
    expect(half.stderr).toMatch(/FIRST_BUILD_INTERRUPTED/);
    expect(fs.existsSync(path.join(lake, 'ecommerce'))).toBe(false);
    // the next run undoes the build and loads; the lake then holds all six months
    const recovery = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    expect(recovery.code, recovery.stderr).toBe(0);
    expect(recovery.stdout).toMatch(/an interrupted first build was undone/);
    expect(JSON.parse(cli(exportArgs(lake, ws)).stdout)).toMatchObject({ rows: 18, partitions: 6 });

    // the warehouse is replaced (README's recovery path: moved aside, built anew) from other data: three months only
    fs.rmSync(ws.warehousePath, { force: true });
    fs.rmSync(`${ws.warehousePath}.wal`, { force: true });
    writeMonths(ws, 3, 3, 2);
    const anew = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]);
    expect(anew.code, anew.stderr).toBe(0);
    const after = JSON.parse(cli(exportArgs(lake, ws)).stdout);
    expect(after).toMatchObject({ rows: 9, partitions: 3 });
    expect(diffEcommerce(await readSnapshot(lake), await readEcommerce(ws.warehousePath))).toEqual([]);

    // by hand: one month's rows deleted, another's row changed
    const write = cli(['sql', '--write', '--warehouse', ws.warehousePath,
      `DELETE FROM ecommerce_state WHERE start_timestamp < TIMESTAMP '2023-02-01'; UPDATE ecommerce_state SET Order_Count = 99 WHERE Customer_ID = 2 AND start_timestamp >= TIMESTAMP '2023-03-01'`]);
    expect(write.code, write.stderr).toBe(0);
    const byHand = JSON.parse(cli(exportArgs(lake, ws)).stdout);
    expect(byHand).toMatchObject({ mode: 'incremental', rows: 6, partitions: 2, written: ['2023-03'] });
    expect(diffEcommerce(await readSnapshot(lake), await readEcommerce(ws.warehousePath))).toEqual([]);
  });

  it('what a killed export left (its unfinished folder in the records, its lock) is cleaned up by the next export, by name', async () => {
    ws = makeWorkspace('pq-killed');
    writeMonths(ws, 2, 2, 1);
    await ws.run();
    const lake = path.join(ws.root, 'lake');
    expect(cli(exportArgs(lake, ws)).code).toBe(0);
    const recordsFile = path.join(lake, '.ecommerce-exports.json');
    const records = JSON.parse(fs.readFileSync(recordsFile, 'utf8'));
    const current = fs.readlinkSync(path.join(lake, 'ecommerce'));
    // killed before its swap: a half-written folder; killed after its swap: the folder the link names, still pending
    const unfinished = '.ecommerce-v1-99999-0badf00d';
    fs.mkdirSync(path.join(lake, unfinished, 'window_month=2023-01'), { recursive: true });
    fs.writeFileSync(path.join(lake, unfinished, 'window_month=2023-01', 'data_0.parquet'), 'half');
    fs.writeFileSync(recordsFile, JSON.stringify({ snapshots: [], pending: [unfinished, current, '../outside'] }));
    fs.mkdirSync(path.join(ws.root, 'outside'));
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    fs.writeFileSync(path.join(lake, '.ecommerce.lock'), JSON.stringify({ pid: gone, start: null, host: os.hostname(), since: 'then' }));

    const r = cli(exportArgs(lake, ws));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ mode: 'incremental', written: [] });
    expect(fs.existsSync(path.join(lake, unfinished))).toBe(false);
    expect(fs.existsSync(path.join(lake, current))).toBe(true);
    expect(fs.existsSync(path.join(ws.root, 'outside'))).toBe(true);
    const after = JSON.parse(fs.readFileSync(recordsFile, 'utf8'));
    expect(after).toEqual({ snapshots: [current, fs.readlinkSync(path.join(lake, 'ecommerce'))], pending: [] });
    expect(records.snapshots).toEqual([current]);
    expect(diffEcommerce(await readSnapshot(lake), await readEcommerce(ws.warehousePath))).toEqual([]);
  });

  it('the folder lock: holders take turns, a stale lock is taken over, a live one held too long is WAREHOUSE_LOCKED', async () => {
    ws = makeWorkspace('pq-lock');
    const lock = path.join(ws.root, '.ecommerce.lock');
    let inside = 0;
    let most = 0;
    const hold = () =>
      withParquetLock(lock, { waitMs: 60_000 }, async () => {
        most = Math.max(most, ++inside);
        await new Promise((r) => setTimeout(r, 20));
        inside--;
      });
    await Promise.all([hold(), hold(), hold(), hold()]);
    expect(most).toBe(1);
    expect(fs.existsSync(lock)).toBe(false);

    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    fs.writeFileSync(lock, JSON.stringify({ pid: gone, start: null, host: os.hostname(), since: 'then' }));
    expect(await withParquetLock(lock, { waitMs: 0 }, async () => 'ran')).toBe('ran');

    // a live process (this test's parent) holds it: waiting 0 s fails with the holder named
    fs.writeFileSync(lock, JSON.stringify({ pid: process.ppid, start: null, host: os.hostname(), since: 'now' }));
    const error = await withParquetLock(lock, { waitMs: 0 }, async () => 'ran').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ code: 'WAREHOUSE_LOCKED', message: expect.stringContaining(`pid ${process.ppid}`) });
    expect(fs.readFileSync(lock, 'utf8')).toContain(`"pid":${process.ppid}`);
  });
});
