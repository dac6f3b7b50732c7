import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedOwnerUrl } from '../pipeline/export/embeddedPostgres.js';
import { generateDataset } from '../pipeline/generate/generateDataset.js';
import { fromScratch, readEcommerce } from './support/compareRuns.js';
import { cli, diffEcommerce, makeWorkspace, type Workspace } from './support/fixtures.js';
import { startWatch, type Watch } from './support/watchProcess.js';
import { pgUrl, readPgEcommerce, uniqueSchema } from './support/postgres.js';

const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';

function count(text: string, pattern: RegExp): number {
  return (text.match(new RegExp(pattern, 'g')) ?? []).length;
}

async function ledger(ws: Workspace) {
  return ws.query<{ path: string; status: string; n: number }>(
    'SELECT path, status, count(*) AS n FROM pipeline_files GROUP BY ALL ORDER BY path',
  );
}

describe('watch mode', () => {
  const spaces: Workspace[] = [];
  const watches: Watch[] = [];
  afterEach(async () => {
    for (const w of watches.splice(0)) if (w.child.exitCode === null) await w.stop('SIGKILL');
    for (const ws of spaces.splice(0)) ws.cleanup();
  });
  const workspace = (name: string) => {
    const ws = makeWorkspace(name);
    spaces.push(ws);
    return ws;
  };

  it('folds the write-ahead log a run kept into the warehouse once idle, after every batch', async () => {
    const ws = workspace('watch-idle-checkpoint');
    // 40 orders of 20 customers, so one more order is an incremental batch (under the full-recompute share)
    const ids = Array.from({ length: 40 }, (_, i) => i + 1);
    ws.write('Customers/c.json', JSON.stringify(ids.slice(0, 21).map((c) => ({ 'Customer ID': c }))));
    ws.write('Orders/o1.csv', `${HEADER}\n${ids.map((i) => `${i},${(i % 20) + 1},2024-03-${String((i % 28) + 1).padStart(2, '0')} 10:00:00,A,1,10`).join('\n')}\n`);
    ws.write('Deliveries/d1.csv', `Order ID,Distance(m)\n${[...ids, 41].map((i) => `${i},100`).join('\n')}\n`);
    const wal = `${ws.warehousePath}.wal`;
    const walBytes = () => (fs.existsSync(wal) ? fs.statSync(wal).size : 0);
    const watch = startWatch(ws, ['--idle-checkpoint-ms', '300']);
    watches.push(watch);
    // the first build (a full recompute) checkpoints at its close: nothing kept
    await watch.waitFor(/run #1 /);
    expect(walBytes()).toBe(0);

    // an incremental batch keeps a small WAL; idle folds it
    ws.write('Orders/o2.csv', `${HEADER}\n41,21,2024-03-02 10:00:00,B,2,20\n`);
    await watch.waitFor(/run #2 \(incremental\)/);
    await watch.waitFor(/idle: checkpoint folded the [\d.]+ MiB write-ahead log into the warehouse/);
    expect(walBytes()).toBe(0);
    expect(await watch.stop()).toBe(0);
    expect(diffEcommerce(await readEcommerce(ws.warehousePath), await fromScratch(ws.dataDir, path.join(ws.root, 'scratch')))).toEqual([]);
  });

  it('processes files present at start-up and every later drop exactly once (slow writer, rename into place, many at once)', async () => {
    const ws = workspace('watch-drops');
    ws.write('Customers/c.json', '[{"Customer ID": 1}, {"Customer ID": 2}]');
    ws.write('Orders/startup.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n`);
    const watch = startWatch(ws);
    watches.push(watch);
    await watch.waitFor(/watching/);
    expect(watch.log()).toMatch(/run #1 .*2 file\(s\) loaded/); // the files present at start-up

    // a file written slowly, in chunks, over ~3 seconds
    const slow = path.join(ws.dataDir, 'Orders', 'slow.csv');
    const fd = fs.openSync(slow, 'w');
    fs.writeSync(fd, `${HEADER}\n`);
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 500));
      fs.writeSync(fd, `${100 + i},2,2024-03-0${1 + i} 10:00:00,S,1,${i + 1}\n`);
    }
    fs.closeSync(fd);
    // one renamed into place from a .part name (the recommended atomic drop)
    const part = path.join(ws.dataDir, 'Deliveries', 'd.csv.part');
    fs.writeFileSync(part, `Order ID,Distance(m)\n1,5\n${[100, 101, 102, 103, 104, 105].map((i) => `${i},${i}`).join('\n')}\n`);
    fs.renameSync(part, path.join(ws.dataDir, 'Deliveries', 'd.csv'));
    // and many at once
    for (let i = 0; i < 20; i++) {
      fs.writeFileSync(path.join(ws.dataDir, 'Orders', `many${i}.csv`), `${HEADER}\n${1000 + i},1,2024-04-01 10:00:00,M,1,1\n`);
    }
    await new Promise((r) => setTimeout(r, 2500));
    expect(await watch.stop()).toBe(0);

    const files = await ledger(ws);
    expect(files.length).toBe(24);
    expect(files.every((f) => f.n === 1 && f.status === 'loaded')).toBe(true); // each exactly once, never partially
    const slowFile = await ws.query<{ rows_loaded: number }>(`SELECT rows_loaded FROM pipeline_files WHERE path = 'Orders/slow.csv'`);
    expect(slowFile).toEqual([{ rows_loaded: 6 }]);
    expect(watch.log()).not.toMatch(/\.part/);
    const scratch = await fromScratch(ws.dataDir, path.join(ws.root, 'scratch'));
    expect(diffEcommerce(await readEcommerce(ws.warehousePath), scratch)).toEqual([]);
  });

  it('retries a failed export after the delay its log line announces, not at the next rescan; DuckDB keeps loading meanwhile', async () => {
    const ws = workspace('watch-export-retry');
    ws.write('Customers/c.json', '[{"Customer ID": 1}]');
    ws.write('Orders/o1.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n`);
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,5\n2,6\n');
    // a port nothing listens on: every export attempt fails at once
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    // rescans every 100 ms: each one used to retry the export, whatever the line said
    const watch = startWatch(ws, ['--postgres', `postgres://pipeline@127.0.0.1:${port}/pipeline`, '--rescan-ms', '100', '--settle-ms', '50', '--idle-checkpoint-ms', '0'], { PIPELINE_EXPORT: '1' });
    watches.push(watch);
    await watch.waitFor(/export retries in 1s/);
    ws.write('Orders/o2.csv', `${HEADER}\n2,1,2024-03-01 11:00:00,B,1,20\n`); // arrives during the backoff
    await watch.waitFor(/export retries in 4s/, 30_000);
    expect(await watch.stop()).toBe(0);

    // each line starts with its UTC time of day, HH:MM:SS.mmm
    const lines = watch.log().split('\n');
    const ms = (line: string) => {
      const [h, m, s] = line.slice(0, 12).split(':').map(Number) as [number, number, number];
      return ((h * 60 + m) * 60 + s) * 1000;
    };
    const gap = (a: string, b: string) => (ms(b) - ms(a) + 86_400_000) % 86_400_000; // across midnight too
    const failures = lines.filter((l) => /export retries in \d+s/.test(l)).slice(0, 3);
    expect(failures.map((l) => /retries in (\d+)s/.exec(l)![1])).toEqual(['1', '2', '4']);
    // Lower bounds only (a busy machine makes an attempt later, never sooner): each
    // attempt fails no sooner than the delay the line before announced (±1 ms stamps).
    expect(gap(failures[0]!, failures[1]!)).toBeGreaterThanOrEqual(1000 - 2);
    expect(gap(failures[1]!, failures[2]!)).toBeGreaterThanOrEqual(2000 - 2);
    // the file that arrived during the backoff was loaded by a rescan's batch meanwhile
    const run2 = lines.findIndex((l) => /run #2 .*1 file\(s\) loaded/.test(l));
    expect(run2).toBeGreaterThan(lines.indexOf(failures[0]!));
    expect(run2).toBeLessThan(lines.indexOf(failures[2]!));
  });

  it('logs file names and reasons holding escape sequences visibly, never raw', async () => {
    const ws = workspace('watch-termsafe');
    ws.write('Customers/c.json', '[{"Customer ID": 1}]');
    const watch = startWatch(ws, []);
    watches.push(watch);
    await watch.waitFor(/watching/);
    const osc = '\x1b]0;pwned\x07';
    fs.writeFileSync(path.join(ws.dataDir, 'Orders', `bad${osc}.csv`), 'this is not,an orders file\n1,2\n');
    fs.writeFileSync(path.join(ws.dataDir, 'Orders', `o${osc}.csv`), `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n2,1,2024-03-01 10:00:00,A,1,ten${osc}\n`);
    await watch.waitFor(/QUARANTINED Orders\/bad\\x1b\]0;pwned\\x07\.csv/);
    await watch.waitFor(/Orders\/o\\x1b\]0;pwned\\x07\.csv: 1 of 2 rows rejected/);
    expect(await watch.stop()).toBe(0);
    expect(watch.log()).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });

  it('a query during an active watch batch waits for it and succeeds', async () => {
    const ws = workspace('watch-sql');
    const gen = path.join(ws.root, 'gen');
    await generateDataset({ outDir: gen, orders: 200_000, customers: 8000, seed: 3 });
    const watch = startWatch(ws);
    watches.push(watch);
    await watch.waitFor(/watching/);
    // drop a large batch, then query while it is being loaded
    for (const d of ['Customers', 'Orders', 'Deliveries']) {
      for (const f of fs.readdirSync(path.join(gen, d))) fs.renameSync(path.join(gen, d, f), path.join(ws.dataDir, d, f));
    }
    await new Promise((r) => setTimeout(r, 600));
    const q = cli(['sql', 'select count(*) as n from pipeline_files', '--format', 'json', '--warehouse', ws.warehousePath]);
    expect(q.code, q.stderr).toBe(0);
    expect(JSON.parse(q.stdout)[0].n).toBeGreaterThanOrEqual(0);
    await watch.waitFor(/run #\d+ \(full\): 13 file/, 60_000);
    const after = cli(['sql', 'select count(*) as n from pipeline_files', '--format', 'json', '--warehouse', ws.warehousePath]);
    expect(JSON.parse(after.stdout)[0].n).toBe(13);
    expect(await watch.stop()).toBe(0);
  });

  it('SIGTERM mid-batch finishes or rolls back cleanly (exit 0); a restart converges', async () => {
    const ws = workspace('watch-term');
    const watch = startWatch(ws);
    watches.push(watch);
    await watch.waitFor(/watching/);
    await generateDataset({ outDir: ws.dataDir, orders: 150_000, customers: 6000, seed: 5 });
    await new Promise((r) => setTimeout(r, 700)); // a batch is running now
    expect(await watch.stop('SIGTERM')).toBe(0);
    expect(watch.log()).toMatch(/stopped/);
    const again = startWatch(ws);
    watches.push(again);
    await again.waitFor(/watching/, 60_000);
    expect(await again.stop()).toBe(0);
    const files = await ledger(ws);
    expect(files.length).toBe(13);
    expect(files.every((f) => f.n === 1 && f.status === 'loaded')).toBe(true);
    const scratch = await fromScratch(ws.dataDir, path.join(ws.root, 'scratch'));
    expect(diffEcommerce(await readEcommerce(ws.warehousePath), scratch)).toEqual([]);
  });

  // Regression: with the embedded Postgres (the default target), chokidar's one-time
  // 'ready' event fired while the server was starting and was missed: watch hung.
  // And a rescan during that start ran a batch whose export started a second
  // embedded server, which clashed with the first (watch exited 1): --rescan-ms 100
  // makes a rescan during the start certain.
  it('starts with the default embedded Postgres, becomes ready and exports; no batch runs before it is up', async () => {
    const ws = workspace('watch-embedded');
    fs.chmodSync(ws.root, 0o755); // the postgres system user must reach warehouse/postgres
    ws.write('Customers/c.json', '[{"Customer ID": 1}]');
    ws.write('Orders/o.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n`);
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,5\n');
    const port = 56000 + (process.pid % 1000);
    const watch = startWatch(ws, ['--rescan-ms', '100'], { PIPELINE_EXPORT: '1', PIPELINE_PG_PORT: String(port) });
    watches.push(watch);
    await watch.waitFor(/watching/, 60_000);
    await watch.waitFor(/export: version 0 -> 1, 1 upserted/);
    expect(watch.log()).toMatch(/^[^\n]*embedded Postgres serving on [^\n]*\n[^\n]*run #1 /); // the start-up batch is the first, once it is up
    const url = embeddedOwnerUrl(ws.warehousePath, port)!; // the owner password is random per warehouse, stored 0600
    const exported = await readPgEcommerce('public', url); // while watch serves it
    expect(await watch.stop()).toBe(0);
    expect(watch.log()).toMatch(/stopped/);
    expect(diffEcommerce(exported, await readEcommerce(ws.warehousePath))).toEqual([]); // once watch lets go of the warehouse
  });

  it('quarantines a bad file once, keeps going, and exports each batch to Postgres', async () => {
    const ws = workspace('watch-pg');
    const schema = uniqueSchema('watch');
    ws.write('Customers/c.json', '[{"Customer ID": 1}]');
    const watch = startWatch(ws, ['--postgres', pgUrl(), '--pg-schema', schema], { PIPELINE_EXPORT: '1' });
    watches.push(watch);
    await watch.waitFor(/watching/);
    fs.writeFileSync(path.join(ws.dataDir, 'Orders', 'bad.csv'), 'this is not,an orders file\n1,2\n');
    fs.writeFileSync(path.join(ws.dataDir, 'Orders', 'o.csv'), `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n`);
    fs.writeFileSync(path.join(ws.dataDir, 'Deliveries', 'd.csv'), 'Order ID,Distance(m)\n1,5\n');
    await watch.waitFor(/export: version \d+ -> \d+, 1 upserted/);
    await new Promise((r) => setTimeout(r, 5500)); // past a safety-net rescan
    expect(count(watch.log(), /QUARANTINED Orders\/bad\.csv/)).toBe(1);
    expect(await watch.stop()).toBe(0);
    expect(diffEcommerce(await readPgEcommerce(schema), await readEcommerce(ws.warehousePath))).toEqual([]);
    expect((await readPgEcommerce(schema)).length).toBe(1);
  });
});
