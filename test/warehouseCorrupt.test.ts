import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { quotedString } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../pipeline/generate/generateDataset.js';
import { withWarehouse } from '../pipeline/warehouse/Warehouse.js';
import { corruptionMarkerPath } from '../pipeline/warehouse/corruptionMarker.js';
import { readEcommerce } from './support/compareRuns.js';
import { cli, cliAsync, diffEcommerce, makeWorkspace, type Workspace } from './support/fixtures.js';

const DIAGNOSIS = /error \[WAREHOUSE_CORRUPT\]: the warehouse file \S+ecommerce\.duckdb is corrupt \(DuckDB: IO Error: Corrupt database file: computed checksum/;
const RECOVERY = /To recover, move it aside and run again:\n {2}mv \S+ecommerce\.duckdb \S+ecommerce\.duckdb\.corrupt-\d{8}-\d{6}\n {2}pipeline run\n[\s\S]*<data>\/archive\/[\s\S]*Lost: the rows of files archived elsewhere or deleted/;

/** Overwrites `length` bytes at `offset` with pseudo-random bytes, as a bad disk or a stray write would. */
function overwrite(file: string, offset: number, length = 4096): void {
  const bytes = Buffer.alloc(length);
  let seed = 12345;
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = seed & 0xff;
  }
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, bytes, 0, length, offset);
  fs.closeSync(fd);
}

/** File offset of the middle of a data block of `table` (DuckDB: 3 header pages, then fixed-size blocks). */
async function middleOfTableBlock(warehousePath: string, table: string): Promise<number> {
  return withWarehouse({ path: warehousePath, readOnly: true }, async (w) => {
    const size = await w.one<{ block_size: bigint }>('SELECT block_size FROM pragma_database_size()');
    const blocks = await w.all<{ block_id: bigint }>(
      `SELECT DISTINCT block_id FROM pragma_storage_info(${quotedString(table)}) WHERE block_id >= 0 ORDER BY block_id`,
    );
    const blockSize = Number(size!.block_size);
    const block = Number(blocks[Math.floor(blocks.length / 2)]!.block_id);
    return 3 * 4096 + block * blockSize + blockSize / 2;
  });
}

describe('a corrupt warehouse file is diagnosed, and a run rebuilds it from the drop folders and data/archive/', () => {
  const spaces: Workspace[] = [];
  afterEach(() => {
    for (const ws of spaces.splice(0)) ws.cleanup();
  });

  it('damage in the middle of the file: status, rebuild and run fail with WAREHOUSE_CORRUPT and the recovery hint; after the mv, a run reproduces ecommerce', async () => {
    const ws = makeWorkspace('corrupt-middle');
    spaces.push(ws);
    const args = ['--data', ws.dataDir, '--warehouse', ws.warehousePath];
    // History: everything generated arrives and is archived; then one archived file is rewritten in the drop folder.
    await generateDataset({ outDir: ws.dataDir, orders: 20_000, customers: 1500, seed: 11 });
    expect((await cliAsync(['run', '--archive', ...args])).code).toBe(0);
    const archived = fs.readdirSync(path.join(ws.dataDir, 'archive', 'Orders')).sort();
    const rewritten = archived.find((f) => f.endsWith('.csv'))!;
    const v1 = fs.readFileSync(path.join(ws.dataDir, 'archive', 'Orders', rewritten), 'utf8');
    const v2 = `${v1.trimEnd().split('\n').slice(0, -40).join('\n')}\n`;
    fs.writeFileSync(path.join(ws.dataDir, 'Orders', rewritten), v2);
    const second = await cliAsync(['run', ...args]);
    expect(second.code, second.stderr).toBe(0);
    const before = await readEcommerce(ws.warehousePath);
    expect(before.length).toBeGreaterThan(1000);

    // a small change may still sit in the WAL (kept at close): fold it into the file, whose blocks are damaged next
    expect((await cliAsync(['sql', 'CHECKPOINT', '--write', '--warehouse', ws.warehousePath])).code).toBe(0);
    overwrite(ws.warehousePath, await middleOfTableBlock(ws.warehousePath, 'raw_orders'));

    const status = await cliAsync(['status', '--no-export', '--warehouse', ws.warehousePath]);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(DIAGNOSIS);
    expect(status.stderr).toMatch(RECOVERY);
    expect((await cliAsync(['check', '--integrity', '--warehouse', ws.warehousePath])).stderr).toMatch(DIAGNOSIS);

    fs.rmSync(corruptionMarkerPath(ws.warehousePath)); // rebuild must find it by itself
    const rebuild = await cliAsync(['rebuild', ...args]);
    expect(rebuild.code).toBe(1);
    expect(rebuild.stderr).toMatch(DIAGNOSIS);
    expect(rebuild.stderr).toMatch(RECOVERY);
    expect(rebuild.stderr).not.toMatch(/Current transaction is aborted/);

    // A run with nothing new reads no data block: it knows from the finding kept beside the file.
    const run = await cliAsync(['run', ...args]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(DIAGNOSIS);

    // Recovery: exactly the command the message gives, then a run.
    const mv = /^ {2}(mv .*)$/m.exec(rebuild.stderr)![1]!;
    execFileSync('sh', ['-c', mv]);
    expect(fs.existsSync(ws.warehousePath)).toBe(false);
    const recovery = await cliAsync(['run', '--json', ...args]);
    expect(recovery.code, recovery.stderr).toBe(0);
    expect(JSON.parse(recovery.stdout).warnings).toEqual([expect.stringMatching(/fresh warehouse: \d+ file\(s\) from \S+archive read too/)]);
    expect(diffEcommerce(await readEcommerce(ws.warehousePath), before)).toEqual([]);
    const healthy = await cliAsync(['status', '--no-export', '--warehouse', ws.warehousePath]);
    expect(healthy.code, healthy.stderr).toBe(0);
    expect(healthy.stdout).toMatch(/integrity: ok, every block of \d+ tables read/);
    expect((await cliAsync(['check', '--integrity', '--warehouse', ws.warehousePath])).stdout).toMatch(/ok {3}integrity: every block/);
  });

  it('a damaged header is WAREHOUSE_CORRUPT at once, not WAREHOUSE_LOCKED after waiting', async () => {
    const ws = makeWorkspace('corrupt-header');
    spaces.push(ws);
    ws.write('Orders/o.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,10\n');
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,5\n');
    ws.write('Customers/c.json', '[{"Customer ID": 1}]');
    await ws.run();
    overwrite(ws.warehousePath, 4096, 1024);
    const started = Date.now();
    for (const command of [['status', '--no-export'], ['run', '--data', ws.dataDir], ['sql', 'select 1']]) {
      const r = cli([...command, '--warehouse', ws.warehousePath]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error \[WAREHOUSE_CORRUPT\]: the warehouse file \S+ is corrupt \(DuckDB: IO Error: Corrupt database file/);
      expect(r.stderr).not.toMatch(/busy|in use/);
    }
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('a fresh warehouse reads data/archive/ too: the first run after --archive moved everything gives the same ecommerce', async () => {
    const ws = makeWorkspace('fresh-archive');
    spaces.push(ws);
    await generateDataset({ outDir: ws.dataDir, orders: 3000, customers: 300, seed: 5 });
    expect(cli(['run', '--archive', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    const before = await readEcommerce(ws.warehousePath);
    for (const d of ['Orders', 'Deliveries', 'Customers']) expect(fs.readdirSync(path.join(ws.dataDir, d))).toEqual([]);
    const fresh = path.join(ws.root, 'fresh', 'ecommerce.duckdb');
    const r = cli(['run', '--archive', '--data', ws.dataDir, '--warehouse', fresh]);
    expect(r.code, r.stderr).toBe(0);
    expect(diffEcommerce(await readEcommerce(fresh), before)).toEqual([]);
    // nothing moved twice: the archive is left as it was
    expect(fs.readdirSync(path.join(ws.dataDir, 'archive', 'Orders')).length).toBeGreaterThan(0);
    // a warehouse that has runs reads only the drop folders
    expect(JSON.parse(cli(['run', '--json', '--data', ws.dataDir, '--warehouse', fresh]).stdout)).toMatchObject({ filesSeen: 0, changed: false });
  });
});
