import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, makeWorkspace, type Workspace } from './support/fixtures.js';
import { pgUrl, uniqueSchema, withPg } from './support/postgres.js';

const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';

interface Change { target: string; sync_id: number; version: number; previous_version: number; mode: string; upserted: number; deleted: number }

describe('change notifications for Postgres consumers', () => {
  let ws: Workspace;
  let listener: pg.Client;
  let heard: Change[];
  let schema: string;

  beforeEach(async () => {
    ws = makeWorkspace('notify');
    schema = uniqueSchema('notify');
    heard = [];
    listener = new pg.Client({ connectionString: pgUrl() });
    await listener.connect();
    listener.on('notification', (n) => {
      const change = JSON.parse(n.payload ?? '{}') as Change;
      if (n.channel === 'pipeline_ecommerce' && change.target === `${schema}.ecommerce`) heard.push(change);
    });
    await listener.query('LISTEN pipeline_ecommerce');
  });
  afterEach(async () => {
    await listener.end();
    ws.cleanup();
  });

  const run = (args: string[] = [], env: NodeJS.ProcessEnv = {}) =>
    cli([...args, '--data', ws.dataDir, '--warehouse', ws.warehousePath, '--postgres', pgUrl(), '--pg-schema', schema], { PIPELINE_EXPORT: '1', ...env });
  /** Notifications arrive asynchronously: give the listener a moment after each sync. */
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it('one NOTIFY per sync that changed something, none for a no-op or a rolled-back sync; the companion table says what changed', async () => {
    ws.write('Orders/o.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n2,2,2024-03-01 10:00:00,A,1,20\n3,2,2024-04-01 10:00:00,A,1,30\n`);
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,1\n2,2\n3,3\n');
    ws.write('Customers/c.json', '{"Customer ID": 1}\n{"Customer ID": 2}\n');
    expect(run(['run']).code).toBe(0);
    await settle();
    expect(heard).toEqual([{ target: `${schema}.ecommerce`, sync_id: 1, version: 1, previous_version: 0, mode: 'initial-copy', upserted: 3, deleted: 0 }]);
    // a full load is one sync-log row (re-read everything), not a change row per key
    await withPg(async (c) => {
      expect((await c.query(`SELECT count(*)::int AS n FROM "${schema}".ecommerce_changes`)).rows).toEqual([{ n: 0 }]);
      expect((await c.query(`SELECT sync_id::int, version::int, mode FROM "${schema}".ecommerce_sync_log`)).rows).toEqual([{ sync_id: 1, version: 1, mode: 'initial-copy' }]);
    });

    expect(run(['export']).code).toBe(0); // nothing new
    await settle();
    expect(heard).toHaveLength(1);

    // a sync killed before its COMMIT: Postgres never delivers its NOTIFY
    ws.write('Orders/late.csv', `${HEADER}\n4,1,2024-03-02 10:00:00,B,2,5\n`);
    ws.write('Deliveries/late.csv', 'Order ID,Distance(m)\n4,4\n');
    expect(run(['run'], { PIPELINE_CRASH_AT: 'export-mid-copy' }).code).not.toBe(0);
    await settle();
    expect(heard).toHaveLength(1);
    expect(run(['export']).code).toBe(0);
    await settle();
    expect(heard[1]).toEqual({ target: `${schema}.ecommerce`, sync_id: 2, version: 2, previous_version: 1, mode: 'upsert', upserted: 1, deleted: 0 });

    // a withdrawn file deletes a window
    ws.write('Orders/o.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n2,2,2024-03-01 10:00:00,A,1,20\n`);
    expect(run(['run']).code).toBe(0);
    await settle();
    expect(heard[2]).toEqual({ target: `${schema}.ecommerce`, sync_id: 3, version: 3, previous_version: 2, mode: 'upsert', upserted: 0, deleted: 1 });

    // what a consumer that last saw sync 1 reads: no full reload since, then the changed keys
    await withPg(async (c) => {
      expect((await c.query(`SELECT count(*)::int AS n FROM "${schema}".ecommerce_sync_log WHERE sync_id > 1 AND mode <> 'upsert'`)).rows).toEqual([{ n: 0 }]);
      const changed = await c.query(
        `SELECT e."Customer_ID", to_char(e.start_timestamp, 'YYYY-MM-DD') AS start, e."Order_Count"::int AS n
         FROM "${schema}".ecommerce e JOIN "${schema}".ecommerce_changes ch USING ("Customer_ID", start_timestamp)
         WHERE ch.sync_id > 1 AND NOT ch.deleted`,
      );
      expect(changed.rows).toEqual([{ Customer_ID: 1, start: '2024-02-27', n: 2 }]);
      const gone = await c.query(
        `SELECT "Customer_ID", to_char(start_timestamp, 'YYYY-MM-DD') AS start, sync_id::int, version::int FROM "${schema}".ecommerce_changes WHERE deleted`,
      );
      expect(gone.rows).toEqual([{ Customer_ID: 2, start: '2024-03-28', sync_id: 3, version: 3 }]);
    });
  });

  it('companion tables made before sync_id existed (keyed by the warehouse version) get it, numbered in sync order, and the log goes on from there', async () => {
    await withPg(async (c) => {
      // the shape and rows an older export left
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.query(`CREATE TABLE "${schema}".ecommerce_changes ("Customer_ID" integer NOT NULL, start_timestamp timestamp NOT NULL,
        version bigint NOT NULL, deleted boolean NOT NULL, PRIMARY KEY ("Customer_ID", start_timestamp))`);
      await c.query(`CREATE TABLE "${schema}".ecommerce_sync_log (version bigint PRIMARY KEY, previous_version bigint NOT NULL, mode text NOT NULL,
        upserted bigint NOT NULL, deleted bigint NOT NULL, synced_at timestamptz NOT NULL DEFAULT now())`);
      await c.query(`INSERT INTO "${schema}".ecommerce_sync_log (version, previous_version, mode, upserted, deleted, synced_at) VALUES
        (1, 0, 'initial-copy', 2, 0, now() - interval '2 hours'), (2, 1, 'upsert', 1, 0, now() - interval '1 hour')`);
      await c.query(`INSERT INTO "${schema}".ecommerce_changes VALUES (1, '2024-02-27', 2, false)`);
    });
    ws.write('Orders/o.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n`);
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,1\n');
    ws.write('Customers/c.json', '{"Customer ID": 1}\n');
    expect(run(['run']).code).toBe(0);
    await withPg(async (c) => {
      expect((await c.query(`SELECT sync_id::int, version::int, mode FROM "${schema}".ecommerce_sync_log ORDER BY sync_id`)).rows).toEqual([
        { sync_id: 1, version: 1, mode: 'initial-copy' },
        { sync_id: 2, version: 2, mode: 'upsert' },
        { sync_id: 3, version: 1, mode: 'initial-copy' },
      ]);
    });
    ws.write('Orders/p.csv', `${HEADER}\n2,1,2024-06-01 10:00:00,A,1,10\n`);
    ws.write('Deliveries/p.csv', 'Order ID,Distance(m)\n2,1\n');
    expect(run(['run']).code).toBe(0);
    await withPg(async (c) => {
      expect((await c.query(`SELECT "Customer_ID", sync_id::int, version::int FROM "${schema}".ecommerce_changes`)).rows).toEqual([
        { Customer_ID: 1, sync_id: 4, version: 2 },
      ]);
    });
  });
});
