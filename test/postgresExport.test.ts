import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createEcommerceTableSql } from '../pipeline/export/ecommerceTable.js';
import { readEcommerce } from './support/compareRuns.js';
import { CLI, ROOT, cli, diffEcommerce, spawnAsync, makeWorkspace, type Workspace } from './support/fixtures.js';
import { pgUrl, pgWatermark, readPgEcommerce, uniqueSchema, withPg } from './support/postgres.js';

const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';

function seed(ws: Workspace) {
  ws.write('Orders/a.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10.10\n2,2,2024-03-02 10:00:00,B,2,20.5\n3,1,2024-03-20 10:00:00,C,1,5\n`);
  ws.write('Deliveries/a.csv', 'Order ID,Distance(m)\n1,100.5\n2,200\n3,300\n');
  ws.write('Customers/a.json', '[{"Customer ID": 1}, {"Customer ID": 2}]');
}

function exportArgs(ws: Workspace, schema: string): string[] {
  return ['--data', ws.dataDir, '--warehouse', ws.warehousePath, '--postgres', pgUrl(), '--pg-schema', schema];
}

const ON = { PIPELINE_EXPORT: '1' };

describe('Postgres export by watermark', () => {
  const spaces: Workspace[] = [];
  afterEach(() => {
    for (const ws of spaces.splice(0)) ws.cleanup();
  });
  const workspace = (name: string) => {
    const ws = makeWorkspace(name);
    spaces.push(ws);
    return ws;
  };

  it('creates the table with exactly the contract column names and types, and the primary key', async () => {
    const ws = workspace('pg-ddl');
    const schema = uniqueSchema('ddl');
    seed(ws);
    const r = cli(['run', ...exportArgs(ws, schema)], ON);
    expect(r.code, r.stderr).toBe(0);
    const cols = await withPg(async (c) =>
      (await c.query(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'ecommerce' ORDER BY ordinal_position`,
        [schema],
      )).rows,
    );
    expect(cols.map((c) => `${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' NOT NULL' : ''}`)).toEqual([
      'Customer_ID integer NOT NULL',
      'Total_Order_Amount double precision',
      'Average_Order_Amount double precision',
      'Order_Count bigint NOT NULL',
      'Highest_Order_Amount real',
      'Lowest_Order_Amount real',
      'Total_Quantity_Ordered bigint',
      'Average_Quantity_Per_Ordered double precision',
      'Total_Delivery_Distance double precision',
      'Average_Delivery_Distance double precision',
      'Distict_Products bigint NOT NULL',
      'start_timestamp timestamp without time zone NOT NULL',
      'end_timestamp timestamp without time zone NOT NULL', // declared once (pipeline/contract/ecommerceColumns.ts), as DuckDB has it
    ]);
    const pk = await withPg(async (c) =>
      (await c.query(
        `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
        [`"${schema}".ecommerce`],
      )).rows.map((x) => x.attname),
    );
    expect(pk).toEqual(['Customer_ID', 'start_timestamp']);
    expect(diffEcommerce(await readPgEcommerce(schema), await readEcommerce(ws.warehousePath))).toEqual([]);
    expect(await pgWatermark(schema)).toBe(1);
  });

  it('syncs changes and deletions incrementally; a rerun without changes does nothing', async () => {
    const ws = workspace('pg-incr');
    const schema = uniqueSchema('incr');
    seed(ws);
    cli(['run', ...exportArgs(ws, schema)], ON);
    // order 2 moves to customer 1 (customer 2's window disappears), order 4 arrives late
    ws.write('Orders/b.csv', `${HEADER}\n2,1,2024-03-02 10:00:00,B,2,21\n4,1,2023-01-01 00:00:00,D,1,1\n`);
    ws.write('Deliveries/b.csv', 'Order ID,Distance(m)\n4,1\n');
    const r = cli(['run', '--json', ...exportArgs(ws, schema)], ON);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.export).toMatchObject({ fromVersion: 1, toVersion: 2, mode: 'upsert', rowsDeleted: 1 });
    expect(diffEcommerce(await readPgEcommerce(schema), await readEcommerce(ws.warehousePath))).toEqual([]);
    expect((await readPgEcommerce(schema)).some((x) => x.Customer_ID === 2)).toBe(false);
    const again = JSON.parse(cli(['export', '--json', ...exportArgs(ws, schema)]).stdout);
    expect(again).toMatchObject({ mode: 'none', fromVersion: 2, toVersion: 2 });
    // status shows the lag: a DuckDB-only run puts Postgres one version behind
    ws.write('Orders/c.csv', `${HEADER}\n3,1,2024-03-20 10:00:00,C,1,6\n`);
    expect(cli(['run', '--no-export', ...exportArgs(ws, schema)], ON).code).toBe(0);
    const status = JSON.parse(cli(['status', '--json', ...exportArgs(ws, schema)]).stdout);
    expect(status.postgres).toMatchObject({ watermark: 2, duckdbVersion: 3, versionsBehind: 1, rowsBehind: 1, tombstonesBehind: 0 });
    expect(JSON.stringify(status.postgres)).not.toContain('test-secret');
  });

  it('the table is made with fillfactor 90, so a delta sync updates rows in place (HOT: same page, no new key entry); an existing table without one gets it and keeps working, a fillfactor of its owner stays', async () => {
    // 300 customers, one order each: ~5 heap pages of result rows, the first ones full but for the fillfactor's room
    const many = (ws: Workspace) => {
      const ids = Array.from({ length: 300 }, (_, i) => i + 1);
      ws.write('Orders/a.csv', `${HEADER}\n${ids.map((i) => `${i},${i},2024-03-01 10:00:00,A,1,${i}.5`).join('\n')}\n`);
      ws.write('Deliveries/a.csv', `Order ID,Distance(m)\n${ids.map((i) => `${i},${i}`).join('\n')}\n`);
      ws.write('Customers/a.json', JSON.stringify(ids.map((i) => ({ 'Customer ID': i }))));
    };
    const fillfactor = (schema: string) => withPg(async (c) =>
      (await c.query(`SELECT reloptions FROM pg_class WHERE oid = $1::regclass`, [`"${schema}".ecommerce`])).rows[0].reloptions as string[] | null);
    const pages = (schema: string) => withPg(async (c) => new Map((await c.query(
      `SELECT "Customer_ID" AS id, (ctid::text::point)[0]::int AS page FROM "${schema}".ecommerce`,
    )).rows.map((r) => [r.id as number, r.page as number])));

    // a new table; then an existing empty one made without a fillfactor (as before this change)
    for (const existing of [false, true]) {
      const ws = workspace(existing ? 'pg-ff-old' : 'pg-ff');
      const schema = uniqueSchema(existing ? 'ffold' : 'ff');
      many(ws);
      if (existing) {
        await withPg(async (c) => {
          await c.query(`CREATE SCHEMA "${schema}"`);
          await c.query(createEcommerceTableSql(`"${schema}".ecommerce`).replace(/ WITH \(fillfactor = \d+\)$/, ''));
        });
        expect(await fillfactor(schema)).toBeNull();
      }
      expect(cli(['run', ...exportArgs(ws, schema)], ON).code).toBe(0);
      expect(await fillfactor(schema)).toEqual(['fillfactor=90']);
      const before = await pages(schema);
      // three rows of the first page change (their order's total is corrected)
      const changed = [...before].filter(([, page]) => page === 0).slice(0, 3).map(([id]) => id);
      expect(changed).toHaveLength(3);
      expect(Math.max(...before.values())).toBeGreaterThan(1); // page 0 is not the only one: it was filled
      ws.write('Orders/b.csv', `${HEADER}\n${changed.map((i) => `${i},${i},2024-03-01 10:00:00,A,1,${i}.75`).join('\n')}\n`);
      const r = cli(['run', '--json', ...exportArgs(ws, schema)], ON);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).export).toMatchObject({ mode: 'upsert', rowsUpserted: 3, rowsDeleted: 0 });
      expect(diffEcommerce(await readPgEcommerce(schema), await readEcommerce(ws.warehousePath))).toEqual([]);
      // updated in place: still on page 0 (with full pages each new version went to another page, plus a key entry)
      const after = await pages(schema);
      expect(changed.map((id) => after.get(id))).toEqual([0, 0, 0]);
    }

    // the owner's own fillfactor is theirs
    const ws = workspace('pg-ff-own');
    const schema = uniqueSchema('ffown');
    many(ws);
    await withPg(async (c) => {
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.query(createEcommerceTableSql(`"${schema}".ecommerce`).replace(/fillfactor = \d+/, 'fillfactor = 70'));
    });
    expect(cli(['run', ...exportArgs(ws, schema)], ON).code).toBe(0);
    expect(await fillfactor(schema)).toEqual(['fillfactor=70']);
    expect(diffEcommerce(await readPgEcommerce(schema), await readEcommerce(ws.warehousePath))).toEqual([]);
  });

  it('reports an existing incompatible table clearly and leaves it alone', async () => {
    const ws = workspace('pg-incompat');
    const schema = uniqueSchema('incompat');
    seed(ws);
    await withPg(async (c) => {
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.query(`CREATE TABLE "${schema}".ecommerce ("Customer_ID" text, start_timestamp timestamp, PRIMARY KEY ("Customer_ID", start_timestamp))`);
    });
    const r = cli(['run', ...exportArgs(ws, schema)], ON);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/POSTGRES_TABLE_INCOMPATIBLE.*"Customer_ID" is text, expected integer.*"Total_Order_Amount" is missing/);
    const cols = await withPg(async (c) => (await c.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'ecommerce'`, [schema])).rows[0].n);
    expect(cols).toBe(2);
  });

  it('Postgres down: DuckDB still commits, exit 4 with host and port but no password, the next run catches up', async () => {
    const ws = workspace('pg-down');
    const schema = uniqueSchema('down');
    seed(ws);
    expect(cli(['run', ...exportArgs(ws, schema)], ON).code).toBe(0);
    ws.write('Orders/b.csv', `${HEADER}\n9,2,2024-05-01 10:00:00,Z,1,99\n`);
    ws.write('Deliveries/b.csv', 'Order ID,Distance(m)\n9,9\n');
    const down = 'postgres://postgres:hunter2@127.0.0.1:9/postgres';
    const r = cli(['run', ...exportArgs(ws, schema).slice(0, -4), '--postgres', down, '--pg-schema', schema], ON);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/POSTGRES_UNAVAILABLE.*127\.0\.0\.1:9/);
    expect(r.stderr + r.stdout).not.toContain('hunter2');
    expect(r.stdout).toMatch(/run #2/); // the DuckDB side committed
    expect(await pgWatermark(schema)).toBe(1);
    const catchUp = cli(['run', '--json', ...exportArgs(ws, schema)], ON);
    expect(JSON.parse(catchUp.stdout).export).toMatchObject({ fromVersion: 1, toVersion: 2 });
    expect(diffEcommerce(await readPgEcommerce(schema), await readEcommerce(ws.warehousePath))).toEqual([]);
  });

  it.each(['export-before-copy', 'export-mid-copy', 'export-after-commit'])(
    'a sync killed with SIGKILL at %s converges on rerun with zero duplicates',
    async (point) => {
      const ws = workspace(`pg-crash-${point}`);
      const schema = uniqueSchema('crash');
      seed(ws);
      cli(['run', ...exportArgs(ws, schema)], ON);
      ws.write('Orders/b.csv', `${HEADER}\n2,1,2024-03-02 10:00:00,B,2,21\n5,2,2024-04-01 10:00:00,E,1,7\n`);
      ws.write('Deliveries/b.csv', 'Order ID,Distance(m)\n5,50\n');
      expect(cli(['run', ...exportArgs(ws, schema)]).code).toBe(0); // DuckDB only
      const child = await new Promise<NodeJS.Signals | null>((resolve) => {
        const p = spawn(process.execPath, [CLI, 'export', ...exportArgs(ws, schema)], {
          cwd: ROOT, env: { ...process.env, PIPELINE_CRASH_AT: point }, stdio: 'ignore',
        });
        p.on('exit', (_c, signal) => resolve(signal));
      });
      expect(child).toBe('SIGKILL');
      expect(await pgWatermark(schema)).toBe(point === 'export-after-commit' ? 2 : 1);
      const rerun = cli(['export', ...exportArgs(ws, schema)]);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(await pgWatermark(schema)).toBe(2);
      const pgRows = await readPgEcommerce(schema);
      expect(diffEcommerce(pgRows, await readEcommerce(ws.warehousePath))).toEqual([]);
      const dups = await withPg(async (c) =>
        (await c.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM "${schema}".ecommerce GROUP BY 1, start_timestamp HAVING count(*) > 1) d`)).rows[0].n,
      );
      expect(dups).toBe(0);
    },
  );

  /** A session of `application` holding the sync's lock (EXCLUSIVE on pipeline_sync_state) until released. */
  async function holdSyncLock(schema: string, application: string): Promise<pg.Client> {
    const holder = new pg.Client({ connectionString: pgUrl(), application_name: application });
    await holder.connect();
    await holder.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await holder.query(`CREATE TABLE IF NOT EXISTS "${schema}".pipeline_sync_state (target text PRIMARY KEY, version bigint NOT NULL, synced_at timestamptz NOT NULL DEFAULT now())`);
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE "${schema}".pipeline_sync_state IN EXCLUSIVE MODE`);
    return holder;
  }

  it('a sync waits while another export holds the target (its lock on pipeline_sync_state), past PIPELINE_PG_LOCK_WAIT, then finds only what is left: no doubled rows', async () => {
    const ws = workspace('pg-concurrent');
    const schema = uniqueSchema('conc');
    seed(ws);
    expect(cli(['run', ...exportArgs(ws, schema)]).code).toBe(0);
    {
      // another sync of the same target is in progress: it holds the lock
      const holder = await holdSyncLock(schema, 'ecommerce-pipeline');
      let exited = false;
      const child = spawn(process.execPath, [CLI, 'export', '--json', ...exportArgs(ws, schema)], { cwd: ROOT, env: { ...process.env, PIPELINE_PG_LOCK_WAIT: '1' } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const done = new Promise<number | null>((resolve) => child.on('exit', (code) => { exited = true; resolve(code); }));
      await new Promise((r) => setTimeout(r, 2500));
      expect(exited).toBe(false); // waiting for the lock, nothing written yet
      expect(await readPgEcommerce(schema)).toEqual([]);
      await holder.query('COMMIT');
      await holder.end();
      expect(await done).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ mode: 'initial-copy', toVersion: 1 });
    }
    const second = JSON.parse(cli(['export', '--json', ...exportArgs(ws, schema)]).stdout);
    expect(second).toMatchObject({ mode: 'none' });
    expect(diffEcommerce(await readPgEcommerce(schema), await readEcommerce(ws.warehousePath))).toEqual([]);
  });

  it('a lock held by anyone else is waited for PIPELINE_PG_LOCK_WAIT seconds only: POSTGRES_LOCKED (exit 4) names the holder, and the warehouse is free again', async () => {
    const ws = workspace('pg-held');
    const schema = uniqueSchema('held');
    seed(ws);
    expect(cli(['run', ...exportArgs(ws, schema)]).code).toBe(0);
    const holder = await holdSyncLock(schema, 'someone-else');
    try {
      const pid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      // bounded here too: an export that waited for ever would hang this test for ever
      const r = await spawnAsync(process.execPath, [CLI, 'export', ...exportArgs(ws, schema)], {
        env: { ...process.env, PIPELINE_EXPORT: '0', DATABASE_URL: '', PIPELINE_PG_LOCK_WAIT: '1' }, timeoutMs: 60_000,
      });
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toMatch(/POSTGRES_LOCKED/);
      expect(r.stderr).toContain(`pid ${pid}`);
      expect(r.stderr).toContain('application "someone-else"');
      expect(r.stderr).not.toContain('test-secret');
      // the export let go of the warehouse: other commands run
      expect(cli(['status', '--json', ...exportArgs(ws, schema)]).code).toBe(0);
    } finally {
      await holder.end();
    }
    expect(await readPgEcommerce(schema)).toEqual([]);
    expect(cli(['export', ...exportArgs(ws, schema)]).code).toBe(0);
    expect(diffEcommerce(await readPgEcommerce(schema), await readEcommerce(ws.warehousePath))).toEqual([]);
  });

  it('a connection string naming an sslrootcert file that does not exist is CONFIG_INVALID (exit 2) naming the file, not a bare ENOENT', () => {
    const ws = workspace('pg-sslroot');
    const missing = path.join(ws.root, 'no-such-ca.pem');
    for (const url of [
      `postgresql://u:hunter2pw@127.0.0.1:1/db?sslmode=verify-full&sslrootcert=${encodeURIComponent(missing)}`,
      `host=127.0.0.1 port=1 user=u password=hunter2pw sslmode=verify-full sslrootcert=${missing}`,
    ]) {
      const r = cli(['export', '--data', ws.dataDir, '--warehouse', ws.warehousePath, '--postgres', url]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/CONFIG_INVALID/);
      expect(r.stderr).toContain(`sslrootcert file "${missing}" does not exist`);
      expect(r.stderr).not.toContain('hunter2pw');
      expect(r.stderr).not.toMatch(/^Error: ENOENT/m);
    }
  });
});
