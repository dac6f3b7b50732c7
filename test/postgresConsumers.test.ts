import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type RunningPostgres } from '../pipeline/export/embeddedPostgres.js';
import { embeddedSecretFiles } from '../pipeline/export/embeddedSecrets.js';
import { embeddedUrl } from '../pipeline/export/embeddedUrl.js';
import { readEcommerce } from './support/compareRuns.js';
import { CLI, ROOT, diffEcommerce, spawnAsync, makeWorkspace, type Workspace } from './support/fixtures.js';
import { cleanupEmbedded, embeddedEnv, embeddedWorkspace, freePort, HEADER } from './support/embeddedServer.js';
import { failure, readPgEcommerce } from './support/postgres.js';

/**
 * Issue 15, the Postgres consumers' side: a consumer (the read-only role
 * `ecommerce_reader` of the embedded server) can neither stall an export, nor
 * fool the other consumers with a forged notification, nor lock them out, nor
 * write; and a consumer following README's recipe ends exactly equal to the
 * table through incremental syncs, deletions, resyncs and recreated warehouses.
 * One embedded server for the file; each test has its own warehouse (in the
 * server's folder, so they share it) and its own --pg-schema.
 */

// ---- README's consumer recipe ("Listening for changes instead of polling"), verbatim inside makeConsumer ----
function makeConsumer(client: pg.Client) {
  const copy = new Map(); // your copy of ecommerce, by key
  const key = (r: any) => `${r.Customer_ID}|${r.start_timestamp.toISOString()}`;
  let seen = '0'; // the last sync_id applied: persist it together with your copy

  async function catchUp() {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'); // log, changes and table: one snapshot
    try {
      const { last, full } = (await client.query(
        `SELECT max(sync_id)::text AS last, coalesce(bool_or(mode <> 'upsert') FILTER (WHERE sync_id > $1), false) AS full
         FROM ecommerce_sync_log`, [seen])).rows[0];
      if (last === null || BigInt(last) === BigInt(seen)) return; // nothing new (a forged or repeated notification)
      if (full || BigInt(last) < BigInt(seen)) { // a full load since, or the log was recreated: re-read everything
        copy.clear();
        for (const row of (await client.query('SELECT * FROM ecommerce')).rows) copy.set(key(row), row);
      } else {
        const changed = await client.query(
          `SELECT e.* FROM ecommerce e JOIN ecommerce_changes c USING ("Customer_ID", start_timestamp) WHERE c.sync_id > $1`, [seen]);
        const gone = await client.query(
          `SELECT "Customer_ID", start_timestamp FROM ecommerce_changes WHERE sync_id > $1 AND deleted`, [seen]);
        for (const row of gone.rows) copy.delete(key(row));
        for (const row of changed.rows) copy.set(key(row), row);
      }
      seen = last;
    } finally {
      await client.query('COMMIT');
    }
  }

  let queue = Promise.resolve(); // one catch-up at a time, in order
  const schedule = () => (queue = queue.then(catchUp).catch((e) => console.error(e)));
  client.on('notification', schedule); // whatever the payload says
  // ---- end of README's recipe ----
  return { copy, schedule, seen: () => seen, idle: () => queue };
}

const secret = (file: string) => fs.readFileSync(file, 'utf8').trim();

async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ORDERS_A = `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n2,2,2024-03-01 10:00:00,A,1,20\n3,2,2024-04-01 10:00:00,A,1,30\n4,3,2024-05-01 10:00:00,B,2,7\n`;
const ORDERS_B = `${HEADER}\n5,4,2024-03-05 10:00:00,C,1,11\n6,5,2024-06-01 10:00:00,C,3,12\n`;
const DELIVERIES = `Order ID,Distance(m)\n${Array.from({ length: 40 }, (_, i) => `${i + 1},${i + 1}`).join('\n')}\n`;
const CUSTOMERS = Array.from({ length: 20 }, (_, i) => `{"Customer ID": ${i + 1}}`).join('\n');

describe("Postgres consumers can neither stall, fool nor damage the export (issue 15)", () => {
  let server: Workspace;
  let running: RunningPostgres;
  let port: number;
  const spaces: Workspace[] = [];
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    server = embeddedWorkspace('consumers');
    port = await freePort();
    running = await startEmbeddedPostgres(server.warehousePath, { port, handleSignals: false });
  }, 120_000);
  afterAll(async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
    await running?.stop();
    for (const ws of spaces.splice(0)) ws.cleanup();
    await cleanupEmbedded(server);
  });

  const readerUrl = () => embeddedUrl('ecommerce_reader', secret(embeddedSecretFiles(server.warehousePath).reader), port);
  const ownerUrl = () => embeddedUrl('postgres', secret(embeddedSecretFiles(server.warehousePath).owner), port);
  async function connect(url: string, schema?: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  }

  /** A warehouse of its own beside the server's (same postgres/ and postgres-auth/), drop folders of its own. */
  function setup(name: string) {
    const ws = makeWorkspace(name);
    spaces.push(ws);
    ws.write('Deliveries/d.csv', DELIVERIES);
    ws.write('Customers/c.json', CUSTOMERS);
    const warehouse = path.join(path.dirname(server.warehousePath), `${name}.duckdb`);
    const schema = name;
    /** A CLI command against the shared embedded server; a hang ends after 90 s instead of stalling the suite. */
    const pipeline = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      spawnAsync(process.execPath, [CLI, ...args, '--data', ws.dataDir, '--warehouse', warehouse, '--pg-schema', schema], {
        env: embeddedEnv(port, { PIPELINE_PG_LOCK_WAIT: '5', ...env }), timeoutMs: 90_000,
      });
    /** README's recovery path: move the warehouse file (and its WAL) aside and run on a fresh one. */
    const recreateWarehouse = () => {
      for (const f of [warehouse, `${warehouse}.wal`]) if (fs.existsSync(f)) fs.renameSync(f, `${f}.old`);
    };
    return { ws, warehouse, schema, pipeline, recreateWarehouse };
  }

  /** The consumer's copy, as comparable rows ordered by key. */
  const plain = (rows: Iterable<Record<string, unknown>>) =>
    [...rows].map((r) => JSON.stringify(r, (_k, v) => (v instanceof Date ? v.toISOString() : v))).sort();

  it("README's consumer recipe ends exactly equal to the table through an initial copy, deletions, a recreated warehouse (resync) and more changes", async () => {
    const t = setup('recipe');
    t.ws.write('Orders/a.csv', ORDERS_A);
    expect((await t.pipeline(['run'])).code).toBe(0);
    const reader = await connect(readerUrl(), t.schema);
    const consumer = makeConsumer(reader);
    await reader.query('LISTEN pipeline_ecommerce');
    consumer.schedule(); // what changed while this consumer was not listening
    const log = async () => (await (await connect(ownerUrl(), t.schema)).query(
      `SELECT sync_id::int, version::int, previous_version::int, mode FROM ecommerce_sync_log ORDER BY sync_id`)).rows;
    const caughtUp = async () => {
      const last = (await reader.query('SELECT coalesce(max(sync_id), 0)::text AS s FROM ecommerce_sync_log')).rows[0].s;
      await waitUntil(`the consumer has applied sync ${last}`, () => consumer.seen() === last);
      await consumer.idle();
      const table = (await reader.query('SELECT * FROM ecommerce')).rows;
      expect(plain(consumer.copy.values())).toEqual(plain(table));
      expect(diffEcommerce(await readPgEcommerce(t.schema, ownerUrl()), await readEcommerce(t.warehouse))).toEqual([]);
      return table.length;
    };
    expect(await caughtUp()).toBe(4);

    // incremental: a new file (new windows) and a withdrawn order (a window gone)
    t.ws.write('Orders/b.csv', ORDERS_B);
    t.ws.write('Orders/a.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n2,2,2024-03-01 10:00:00,A,1,25\n4,3,2024-05-01 10:00:00,B,2,7\n`);
    expect((await t.pipeline(['run'])).code).toBe(0);
    expect(await caughtUp()).toBe(5);
    t.ws.write('Orders/b.csv', `${HEADER}\n5,4,2024-03-05 10:00:00,C,1,11\n`);
    expect((await t.pipeline(['run'])).code).toBe(0);
    expect(await caughtUp()).toBe(4);

    // the warehouse is recreated (its versions start over at 1) from changed drop folders: a resync
    t.recreateWarehouse();
    t.ws.write('Orders/a.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n7,6,2024-07-01 10:00:00,D,1,70\n`);
    expect((await t.pipeline(['run'])).code).toBe(0);
    expect(await caughtUp()).toBe(3);

    // more changes on the new warehouse (versions 2, 3 again)
    t.ws.write('Orders/c.csv', `${HEADER}\n8,7,2024-08-01 10:00:00,E,1,80\n9,1,2024-03-02 10:00:00,E,1,90\n`);
    expect((await t.pipeline(['run'])).code).toBe(0);
    expect(await caughtUp()).toBe(4);
    t.ws.write('Orders/a.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n`);
    expect((await t.pipeline(['run'])).code).toBe(0);
    expect(await caughtUp()).toBe(3);

    // the log never goes backwards and keeps the old warehouse's syncs; the resync names the version it replaced
    expect(await log()).toEqual([
      { sync_id: 1, version: 1, previous_version: 0, mode: 'initial-copy' },
      { sync_id: 2, version: 2, previous_version: 1, mode: 'upsert' },
      { sync_id: 3, version: 3, previous_version: 2, mode: 'upsert' },
      { sync_id: 4, version: 1, previous_version: 3, mode: 'resync' },
      { sync_id: 5, version: 2, previous_version: 1, mode: 'upsert' },
      { sync_id: 6, version: 3, previous_version: 2, mode: 'upsert' },
    ]);
  }, 240_000);

  it('a forged NOTIFY from the read-only role changes nothing: the consumer following README still applies the next real change', async () => {
    const t = setup('forged');
    t.ws.write('Orders/a.csv', ORDERS_A);
    expect((await t.pipeline(['run'])).code).toBe(0);
    const reader = await connect(readerUrl(), t.schema);
    const consumer = makeConsumer(reader);
    let heard = 0;
    reader.on('notification', () => heard++);
    await reader.query('LISTEN pipeline_ecommerce');
    consumer.schedule();
    await waitUntil('the consumer has the initial copy', () => consumer.seen() === '1');

    const forger = await connect(readerUrl(), t.schema);
    const forged = { target: `${t.schema}.ecommerce`, sync_id: 999999, version: 999999, previous_version: 999998, mode: 'upsert', upserted: 1, deleted: 0 };
    await forger.query('SELECT pg_notify($1, $2)', ['pipeline_ecommerce', JSON.stringify(forged)]);
    await waitUntil('the forged notification arrived', () => heard === 1);
    await consumer.idle();
    expect(consumer.seen()).toBe('1');

    t.ws.write('Orders/b.csv', ORDERS_B);
    t.ws.write('Orders/a.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n`);
    expect((await t.pipeline(['run'])).code).toBe(0);
    await waitUntil('the real change arrived', () => heard === 2);
    await waitUntil('the consumer applied it', () => consumer.seen() === '2');
    await consumer.idle();
    expect(plain(consumer.copy.values())).toEqual(plain((await reader.query('SELECT * FROM ecommerce')).rows));
    expect(consumer.copy.size).toBe(3);
  }, 120_000);

  it('the read-only role cannot stall an export: not with the old advisory lock key, not by holding its tables open, and it may not lock pipeline_sync_state', async () => {
    const t = setup('stall');
    t.ws.write('Orders/a.csv', ORDERS_A);
    expect((await t.pipeline(['run'])).code).toBe(0);
    const locker = await connect(readerUrl(), t.schema);
    await locker.query('SELECT pg_advisory_lock(hashtext($1))', [`pipeline-sync:${t.schema}.ecommerce`]);
    const open = await connect(readerUrl(), t.schema);
    await open.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    for (const table of ['ecommerce', 'ecommerce_changes', 'ecommerce_sync_log']) await open.query(`SELECT count(*) FROM ${table}`);
    const sneaky = await connect(readerUrl(), t.schema);
    await sneaky.query('BEGIN');
    expect(await failure(sneaky, 'LOCK TABLE pipeline_sync_state IN ACCESS SHARE MODE')).toBe('42501');
    await sneaky.query('ROLLBACK');
    expect(await failure(sneaky, 'SELECT * FROM pipeline_sync_state')).toBe('42501');

    // an incremental sync with a deletion, then a resync (recreated warehouse): neither waits for the consumer
    t.ws.write('Orders/b.csv', ORDERS_B);
    t.ws.write('Orders/a.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n`);
    const incremental = await t.pipeline(['run']);
    expect(incremental.code, incremental.stderr).toBe(0);
    expect(incremental.stdout).toMatch(/export: .*version 1 -> 2/);
    t.recreateWarehouse();
    const resync = await t.pipeline(['run']);
    expect(resync.code, resync.stderr).toBe(0);
    const status = await t.pipeline(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const nothingToDo = await t.pipeline(['export', '--json']);
    expect(nothingToDo.code, nothingToDo.stderr).toBe(0);
    expect(JSON.parse(nothingToDo.stdout)).toMatchObject({ mode: 'none' });
    // the consumer's transaction still sees its snapshot; afterwards it sees the new state
    await open.query('COMMIT');
    expect(plain((await open.query('SELECT * FROM ecommerce')).rows)).toHaveLength(3);
    expect(diffEcommerce(await readPgEcommerce(t.schema, ownerUrl()), await readEcommerce(t.warehouse))).toEqual([]);
  }, 180_000);

  it('the first notification of a new table comes after the grant: the woken consumer may read the table and both companions', async () => {
    const t = setup('grantfirst');
    t.ws.write('Orders/a.csv', ORDERS_A);
    expect((await t.pipeline(['run', '--no-export'])).code).toBe(0);
    const reader = await connect(readerUrl(), t.schema);
    const firstRead = new Promise<string[]>((resolve) => {
      reader.once('notification', async () => {
        const results: string[] = [];
        for (const table of ['ecommerce_sync_log', 'ecommerce_changes', 'ecommerce']) {
          results.push((await failure(reader, `SELECT count(*) FROM ${table}`)) ?? 'ok');
        }
        resolve(results);
      });
    });
    await reader.query('LISTEN pipeline_ecommerce');
    // the export stops right after its COMMIT (the NOTIFY is delivered then), before anything else it might do
    const child = spawn(process.execPath, [CLI, 'export', '--data', t.ws.dataDir, '--warehouse', t.warehouse, '--pg-schema', t.schema], {
      cwd: ROOT, env: embeddedEnv(port, { PIPELINE_PAUSE_AT: 'export-after-commit' }),
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      expect(await firstRead).toEqual(['ok', 'ok', 'ok']);
      await waitUntil('the export paused after its commit', () => /paused at export-after-commit/.test(stderr));
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  }, 120_000);

  it("a consumer that changes the shared role's password or settings locks nobody out for long: status and every export put them back", async () => {
    const t = setup('password');
    t.ws.write('Orders/a.csv', ORDERS_A);
    expect((await t.pipeline(['run'])).code).toBe(0);
    const loginWorks = async () => {
      const c = new pg.Client({ connectionString: readerUrl() });
      c.on('error', () => undefined);
      try {
        await c.connect();
        return (await c.query('SHOW search_path')).rows[0].search_path as string;
      } catch (error) {
        return `login failed: ${(error as { code?: string }).code}`;
      } finally {
        await c.end().catch(() => undefined);
      }
    };
    const sabotage = async () => {
      const rogue = await connect(readerUrl());
      await rogue.query(`ALTER ROLE ecommerce_reader PASSWORD 'only-mine-now'`);
      await rogue.query(`ALTER ROLE ecommerce_reader SET search_path = nowhere`);
      await rogue.end();
      expect(await loginWorks()).toBe('login failed: 28P01');
    };
    const defaultPath = '"$user", public';

    await sabotage();
    expect((await t.pipeline(['status'])).code).toBe(0);
    expect(await loginWorks()).toBe(defaultPath);

    // the way `watch` exports: through the owner's URL of the server it started
    await sabotage();
    const viaUrl = await t.pipeline(['export', '--postgres', ownerUrl()]);
    expect(viaUrl.code, viaUrl.stderr).toBe(0);
    expect(await loginWorks()).toBe(defaultPath);

    await sabotage();
    expect((await t.pipeline(['export'])).code).toBe(0);
    expect(await loginWorks()).toBe(defaultPath);
  }, 120_000);

  it('the read-only role cannot create or write large objects', async () => {
    const reader = await connect(readerUrl());
    expect(await failure(reader, `SELECT lo_from_bytea(0, 'junk')`)).toBe('42501');
    expect(await failure(reader, 'SELECT lo_create(0)')).toBe('42501');
    expect(await failure(reader, 'SELECT lo_creat(-1)')).toBe('42501');
    const owner = await connect(ownerUrl());
    expect((await owner.query('SELECT count(*)::int AS n FROM pg_largeobject_metadata')).rows[0].n).toBe(0);
  });
});
