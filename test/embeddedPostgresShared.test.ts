import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedOwnerUrl, startEmbeddedPostgres } from '../pipeline/export/embeddedPostgres.js';
import { readEcommerce } from './support/compareRuns.js';
import { cli, diffEcommerce, type Workspace } from './support/fixtures.js';
import { readPgEcommerce } from './support/postgres.js';
import {
  HEADER, cleanupEmbedded, embeddedEnv, embeddedWorkspace, freePort, portOpen, postmasterPid, spawnCli,
} from './support/embeddedServer.js';
import { startWatch, type Watch } from './support/watchProcess.js';

/** Postgres (the embedded server, started for the look) against DuckDB, once no command runs. */
async function postgresEqualsDuckdb(ws: Workspace, port: number): Promise<string[]> {
  const server = await startEmbeddedPostgres(ws.warehousePath, { port, handleSignals: false });
  try {
    const pg = await readPgEcommerce('public', embeddedOwnerUrl(ws.warehousePath, port)!);
    expect(pg.length).toBeGreaterThan(0);
    return diffEcommerce(pg, await readEcommerce(ws.warehousePath));
  } finally {
    await server.stop();
  }
}

// Item 16 "Commands sharing the embedded Postgres": whoever needs the server
// starts or joins it, the last one to leave stops it, initdb runs once, and a
// watch whose server vanished starts it again.
describe('commands share the embedded Postgres', () => {
  const spaces: Workspace[] = [];
  const watches: Watch[] = [];
  afterEach(async () => {
    for (const w of watches.splice(0)) if (w.child.exitCode === null) await w.stop('SIGKILL');
    for (const ws of spaces.splice(0)) await cleanupEmbedded(ws);
  });
  const workspace = (name: string) => {
    const ws = embeddedWorkspace(name);
    spaces.push(ws);
    return ws;
  };

  it('three concurrent exports all exit 0 and Postgres equals DuckDB; the last one out stops the server', async () => {
    const ws = workspace('shared-exports');
    const port = await freePort();
    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    // they contend on the warehouse file too: each waits for it (README "When the warehouse is busy")
    const exports = [1, 2, 3].map(() => spawnCli(['export', '--warehouse', ws.warehousePath], embeddedEnv(port)));
    const results = await Promise.all(exports.map((e) => e.exited));
    results.forEach((r, i) => expect(r, exports[i].output()).toEqual({ code: 0, signal: null }));
    expect(exports.filter((e) => /version 0 -> 1/.test(e.stdout()))).toHaveLength(1);
    expect(fs.existsSync(postmasterPid(ws))).toBe(false);
    expect(await portOpen(port)).toBe(false);
    expect(await postgresEqualsDuckdb(ws, port)).toEqual([]);
  });

  it('two concurrent first runs both succeed (one initdb) and Postgres equals DuckDB', async () => {
    const ws = workspace('shared-first-runs');
    const port = await freePort();
    const runs = [1, 2].map(() => spawnCli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath], embeddedEnv(port)));
    const results = await Promise.all(runs.map((r) => r.exited));
    results.forEach((r, i) => expect(r, runs[i].output()).toEqual({ code: 0, signal: null }));
    expect(await portOpen(port)).toBe(false);
    expect(await postgresEqualsDuckdb(ws, port)).toEqual([]);
  });

  it('a watch keeps exporting after the command that started the server exits, and starts it again after `postgres --stop`', async () => {
    const ws = workspace('shared-watch');
    const port = await freePort();
    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    // an export starts the server and stays in its sync (holding the warehouse too)
    const starter = spawnCli(['export', '--warehouse', ws.warehousePath], embeddedEnv(port, { PIPELINE_PAUSE_AT: 'export-before-copy' }));
    await starter.waitFor(/paused at export-before-copy/);
    const watch = startWatch(ws, [], embeddedEnv(port));
    watches.push(watch);
    await watch.waitFor(/embedded Postgres serving on/, 60_000);
    // the command that started the server goes; the watch still uses it
    starter.child.kill('SIGTERM');
    expect((await starter.exited).code).toBe(143);
    expect(await portOpen(port)).toBe(true);
    await watch.waitFor(/export: version 0 -> 1, 2 upserted/, 60_000);
    ws.write('Orders/b.csv', `${HEADER}\n3,1,2024-04-01 10:00:00,C,1,5\n`);
    await watch.waitFor(/export: version 1 -> 2/, 60_000);
    // stopped under it: the next batch starts it again
    const stop = cli(['postgres', '--stop', '--warehouse', ws.warehousePath], embeddedEnv(port));
    expect(stop.stdout).toMatch(/^stopped the embedded Postgres/m);
    ws.write('Orders/c.csv', `${HEADER}\n4,2,2024-05-01 10:00:00,D,1,7\n`);
    await watch.waitFor(/embedded Postgres was not running: started it again/, 60_000);
    await watch.waitFor(/export: version 2 -> 3/, 60_000);
    expect(await watch.stop()).toBe(0);
    expect(await portOpen(port)).toBe(false); // the watch was the last one using it
    expect(await postgresEqualsDuckdb(ws, port)).toEqual([]);
    expect(fs.readdirSync(path.dirname(ws.warehousePath)).filter((n) => /^postgres\.(lock|holders)/.test(n))).toEqual([]);
  });

  it('`postgres --stop` ends a `pipeline postgres` serving the server; a second `pipeline postgres` joins instead of starting another', async () => {
    const ws = workspace('shared-serve-stop');
    const port = await freePort();
    const first = spawnCli(['postgres', '--warehouse', ws.warehousePath], embeddedEnv(port));
    await first.waitFor(/serving on 127\.0\.0\.1:\d+\n/);
    const second = spawnCli(['postgres', '--warehouse', ws.warehousePath], embeddedEnv(port));
    await second.waitFor(/serving on 127\.0\.0\.1:\d+ \(already running\)/);
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(130);
    expect(await portOpen(port)).toBe(true); // the second still serves it
    const stop = cli(['postgres', '--stop', '--warehouse', ws.warehousePath], embeddedEnv(port));
    expect(stop.stdout).toMatch(/^stopped the embedded Postgres/m);
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(second.stdout()).toMatch(/the embedded Postgres was stopped \(pipeline postgres --stop\)/);
    expect(await portOpen(port)).toBe(false);
  });

  // A watch batch that runs before the watch's own start of the server finished
  // exports through a second start in the same process: leaving it must not stop
  // the server the watch still uses.
  it('two starts in one process are one holder until both have left', async () => {
    const ws = workspace('shared-in-process');
    const port = await freePort();
    const [a, b] = await Promise.all([1, 2].map(() => startEmbeddedPostgres(ws.warehousePath, { port, handleSignals: false })));
    expect([a.startedHere, b.startedHere].sort()).toEqual([false, true]);
    await a.stop();
    expect(await portOpen(port)).toBe(true);
    await b.stop();
    expect(await portOpen(port)).toBe(false);
  });
});
