import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PipelineConfig } from '../../pipeline/config/loadConfig.js';
import { sparkIdentifier, sparkString } from '../../pipeline/engine/spark/sparkQuote.js';
import { readSyncStatus } from '../../pipeline/export/readSyncStatus.js';
import { runExport } from '../../pipeline/export/runExport.js';
import { lakeTablePath, SparkExportSource, type PinnedVersions } from '../../pipeline/export/spark/SparkExportSource.js';
import type { SyncReport } from '../../pipeline/export/syncToPostgres.js';
import { SparkConnectClient } from '../../pipeline/spark/SparkConnectClient.js';
import { startTestPostgres } from './sparkEngine.js';

/**
 * The Postgres export from the Spark engine's lake (issue 17, item 5): the same
 * exporter as DuckDB's, reading the lake's Delta tables AS OF the committed
 * run's versions. The two tables are written here by hand, the way the Spark
 * run writes them (ecommerce_state with _version = run id, ecommerce_tombstones),
 * and the Postgres table is compared with hand-written values and with the lake
 * table at the exported version.
 */

const remote = inject('sparkRemote');
let spark: SparkConnectClient;
let tmp: string;
let lake: string;
let server: { stop(): Promise<void> } | undefined;
let pgUrl: string;
let listener: pg.Client;
const heard: unknown[] = [];
const schema = `spark_export_${crypto.randomBytes(4).toString('hex')}`;
const lakeId = `lake-${crypto.randomUUID()}`;

const table = (name: string, at = lake) => `delta.${sparkIdentifier(lakeTablePath(at, name))}`;

async function startPostgres(): Promise<string> {
  const started = await startTestPostgres(tmp);
  server = started;
  return started.url;
}

/** The exporter as the CLI calls it on the Spark engine: runExport with a SparkExportSource. */
async function exportLake(versions: PinnedVersions, runId?: number, at = { lake: '', schema: '' }): Promise<SyncReport> {
  const source = new SparkExportSource({ client: spark, lake: at.lake || lake, versions, runId });
  const config = { warehousePath: path.join(tmp, 'unused.duckdb') } as PipelineConfig;
  const report = await runExport(config, { postgres: pgUrl, pgSchema: at.schema || schema, attempts: 1, source, workDir: path.join(tmp, 'export') });
  await listener.query('SELECT 1'); // a notification committed before this round trip has been delivered by its end
  await new Promise((r) => setTimeout(r, 200));
  return report;
}

/** The export in a child process (the built code), killed with SIGKILL at `crashAt` (pipeline/run/crashPoint.ts). */
async function exportInChild(versions: PinnedVersions, runId: number, crashAt: string): Promise<{ code: number | null; signal: string | null; out: string }> {
  const args = JSON.stringify({ remote, lake, versions, runId, postgres: pgUrl, schema, workDir: path.join(tmp, 'export') });
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'exportLake.child.mjs'), args], {
    env: { ...process.env, PIPELINE_CRASH_AT: crashAt },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const result = await new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, out })),
  );
  await listener.query('SELECT 1');
  await new Promise((r) => setTimeout(r, 200));
  return result;
}

async function pgQuery<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

/** The Postgres table as text, the way a person reads it (Postgres prints floats in their shortest form). */
async function pgText(): Promise<string[][]> {
  const rows = await pgQuery<{ r: string[] }>(
    `SELECT ARRAY["Customer_ID"::text, "Total_Order_Amount"::text, "Average_Order_Amount"::text, "Order_Count"::text,
                  "Highest_Order_Amount"::text, "Lowest_Order_Amount"::text, "Total_Quantity_Ordered"::text,
                  "Average_Quantity_Per_Ordered"::text, "Total_Delivery_Distance"::text, "Average_Delivery_Distance"::text,
                  "Distict_Products"::text, start_timestamp::text, end_timestamp::text] AS r
     FROM "${schema}".ecommerce ORDER BY "Customer_ID", start_timestamp`,
  );
  return rows.map((x) => x.r);
}

type Exact = (number | bigint | null)[];

/** The Postgres table exactly: floats widened to double (exact for real), bigints as BigInt, timestamps as epoch microseconds. */
async function pgExact(inSchema = schema): Promise<Exact[]> {
  const rows = await pgQuery<{ r: (string | null)[] }>(
    `SELECT ARRAY["Customer_ID"::text, float8send("Total_Order_Amount")::text, float8send("Average_Order_Amount")::text, "Order_Count"::text,
                  float8send("Highest_Order_Amount"::float8)::text, float8send("Lowest_Order_Amount"::float8)::text, "Total_Quantity_Ordered"::text,
                  float8send("Average_Quantity_Per_Ordered")::text, float8send("Total_Delivery_Distance")::text, float8send("Average_Delivery_Distance")::text,
                  "Distict_Products"::text, (extract(epoch FROM start_timestamp) * 1000000)::bigint::text,
                  (extract(epoch FROM end_timestamp) * 1000000)::bigint::text] AS r
     FROM "${inSchema}".ecommerce ORDER BY "Customer_ID", start_timestamp`,
  );
  const bits = (hex: string | null) => (hex === null ? null : Buffer.from(hex.slice(2), 'hex').readDoubleBE(0));
  const big = (t: string | null) => (t === null ? null : BigInt(t));
  return rows.map(({ r }) => [Number(r[0]), bits(r[1]!), bits(r[2]!), big(r[3]!), bits(r[4]!), bits(r[5]!), big(r[6]!),
    bits(r[7]!), bits(r[8]!), bits(r[9]!), big(r[10]!), big(r[11]!), big(r[12]!)]);
}

/** The lake table at a Delta version, exactly (the client keeps Int64 as BigInt and a FLOAT as its widened double). */
async function lakeExact(version: number, at = lake): Promise<Exact[]> {
  const r = await spark.sql(
    `SELECT Customer_ID, Total_Order_Amount, Average_Order_Amount, Order_Count, Highest_Order_Amount, Lowest_Order_Amount,
            Total_Quantity_Ordered, Average_Quantity_Per_Ordered, Total_Delivery_Distance, Average_Delivery_Distance,
            Distict_Products, unix_micros(start_timestamp) AS s, unix_micros(CAST(end_timestamp AS TIMESTAMP)) AS e
     FROM ${table('ecommerce_state', at)} VERSION AS OF ${version} ORDER BY Customer_ID, start_timestamp`,
  );
  return r.rows.map((row) => Object.values(row) as Exact);
}

async function changeLog(): Promise<unknown[]> {
  return pgQuery(
    `SELECT "Customer_ID" AS c, start_timestamp::text AS s, sync_id::int, version::int, deleted FROM "${schema}".ecommerce_changes ORDER BY 1, 2`,
  );
}

async function syncLog(): Promise<unknown[]> {
  return pgQuery(
    `SELECT sync_id::int, version::int, previous_version::int, mode, upserted::int, deleted::int FROM "${schema}".ecommerce_sync_log ORDER BY sync_id`,
  );
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-spark-export-'));
  lake = path.join(tmp, 'lake');
  pgUrl = await startPostgres();
  listener = new pg.Client({ connectionString: pgUrl });
  await listener.connect();
  listener.on('notification', (n) => {
    const change = JSON.parse(n.payload ?? '{}') as { target?: string };
    if (n.channel === 'pipeline_ecommerce' && change.target === `${schema}.ecommerce`) heard.push(change);
  });
  await listener.query('LISTEN pipeline_ecommerce');

  spark = new SparkConnectClient({ remote });
  await spark.sql('SET spark.sql.ansi.doubleQuotedIdentifiers = true');
  await spark.sql('SET spark.sql.session.timeZone = UTC');
  // the lake as the Spark run leaves it (sql/migrations/V001 columns; end_timestamp as TIMESTAMP_NTZ to read both kinds)
  await spark.sql(`CREATE TABLE ${table('pipeline_settings')} USING delta AS SELECT 'warehouse_id' AS key, ${sparkString(lakeId)} AS value`);
  await spark.sql(
    `CREATE TABLE ${table('ecommerce_state')} (Customer_ID INT NOT NULL, Total_Order_Amount DOUBLE, Average_Order_Amount DOUBLE,
       Order_Count BIGINT NOT NULL, Highest_Order_Amount FLOAT, Lowest_Order_Amount FLOAT, Total_Quantity_Ordered BIGINT,
       Average_Quantity_Per_Ordered DOUBLE, Total_Delivery_Distance DOUBLE, Average_Delivery_Distance DOUBLE,
       Distict_Products BIGINT NOT NULL, start_timestamp TIMESTAMP NOT NULL, end_timestamp TIMESTAMP_NTZ NOT NULL,
       _version BIGINT NOT NULL) USING delta`,
  ); // Delta version 0
  await spark.sql(
    `CREATE TABLE ${table('ecommerce_tombstones')} (Customer_ID INT NOT NULL, start_timestamp TIMESTAMP NOT NULL, _version BIGINT NOT NULL) USING delta`,
  ); // Delta version 0
  // run 1: Delta version 1 of ecommerce_state
  await spark.sql(
    `INSERT INTO ${table('ecommerce_state')} VALUES
       (1, 10.5D, 5.25D, 2, 7.1F, 3.4F, 3, 1.5D, 12.25D, 6.125D, 2, TIMESTAMP'2024-01-01 10:00:00.123456', TIMESTAMP_NTZ'2024-01-11 10:00:00.123455', 1),
       (2, 0.30000000000000004D, 0.1D, 3, 378.63F, 0.1F, 9007199254740993, NULL, NULL, NULL, 1, TIMESTAMP'2024-01-02 00:00:00', TIMESTAMP_NTZ'2024-01-12 00:00:00', 1),
       (3, 1e300D, -2.5e-300D, 1, 3.4028234e38F, -1.17549435e-38F, 1, 1.0D, 0.0D, 0.0D, 1, TIMESTAMP'1999-12-31 23:59:59.999999', TIMESTAMP_NTZ'2000-01-10 23:59:59.999999', 1)`,
  );
}, 600_000);

afterAll(async () => {
  await listener?.end().catch(() => undefined);
  await spark?.close();
  await server?.stop().catch(() => undefined);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('Postgres export from the Spark engine lake (Delta AS OF the committed versions)', () => {
  it('an initial copy gives the lake table exactly: bigint above 2^53, FLOAT and DOUBLE values, microsecond timestamps', async () => {
    const report = await exportLake({ ecommerce_state: 1, ecommerce_tombstones: 0 }, 1);
    expect(report).toMatchObject({ fromVersion: 0, toVersion: 1, rowsUpserted: 3, rowsDeleted: 0, mode: 'initial-copy' });
    expect(await pgText()).toEqual([
      ['1', '10.5', '5.25', '2', '7.1', '3.4', '3', '1.5', '12.25', '6.125', '2', '2024-01-01 10:00:00.123456', '2024-01-11 10:00:00.123455'],
      ['2', '0.30000000000000004', '0.1', '3', '378.63', '0.1', '9007199254740993', null, null, null, '1', '2024-01-02 00:00:00', '2024-01-12 00:00:00'],
      ['3', '1e+300', '-2.5e-300', '1', '3.4028235e+38', '-1.1754944e-38', '1', '1', '0', '0', '1', '1999-12-31 23:59:59.999999', '2000-01-10 23:59:59.999999'],
    ]);
    expect(await pgExact()).toEqual(await lakeExact(1));
    expect(heard).toEqual([{ target: `${schema}.ecommerce`, sync_id: 1, version: 1, previous_version: 0, mode: 'initial-copy', upserted: 3, deleted: 0 }]);
    expect(await changeLog()).toEqual([]); // a full load is one sync-log row, as on DuckDB
    expect(await syncLog()).toEqual([{ sync_id: 1, version: 1, previous_version: 0, mode: 'initial-copy', upserted: 3, deleted: 0 }]);
    expect(await pgQuery(`SELECT version::int, warehouse_id FROM "${schema}".pipeline_sync_state`)).toEqual([{ version: 1, warehouse_id: lakeId }]);
  });

  it('changed rows and a tombstone in a new Delta version: upserted and deleted, change log and NOTIFY as on DuckDB; a second export does nothing', async () => {
    // run 2: customer 1 changed, customer 2's window gone (tombstone), customer 4 new, customer 3 untouched
    await spark.sql(
      `INSERT OVERWRITE ${table('ecommerce_state')} VALUES
         (1, 11.5D, 3.8333333333333335D, 3, 8.25F, 1.1F, 4, 1.3333333333333333D, 13.25D, 4.416666666666667D, 3, TIMESTAMP'2024-01-01 10:00:00.123456', TIMESTAMP_NTZ'2024-01-11 10:00:00.5', 2),
         (3, 1e300D, -2.5e-300D, 1, 3.4028234e38F, -1.17549435e-38F, 1, 1.0D, 0.0D, 0.0D, 1, TIMESTAMP'1999-12-31 23:59:59.999999', TIMESTAMP_NTZ'2000-01-10 23:59:59.999999', 1),
         (4, 2.0D, 2.0D, 1, 2.0F, 2.0F, 1, 1.0D, NULL, NULL, 1, TIMESTAMP'2024-02-01 00:00:00.000001', TIMESTAMP_NTZ'2024-02-11 00:00:00.000001', 2)`,
    ); // ecommerce_state version 2
    await spark.sql(`INSERT INTO ${table('ecommerce_tombstones')} VALUES (2, TIMESTAMP'2024-01-02 00:00:00', 2)`); // version 1

    const report = await exportLake({ ecommerce_state: 2, ecommerce_tombstones: 1 }, 2);
    expect(report).toMatchObject({ fromVersion: 1, toVersion: 2, rowsUpserted: 2, rowsDeleted: 1, mode: 'upsert' });
    expect(await pgText()).toEqual([
      ['1', '11.5', '3.8333333333333335', '3', '8.25', '1.1', '4', '1.3333333333333333', '13.25', '4.416666666666667', '3', '2024-01-01 10:00:00.123456', '2024-01-11 10:00:00.5'],
      ['3', '1e+300', '-2.5e-300', '1', '3.4028235e+38', '-1.1754944e-38', '1', '1', '0', '0', '1', '1999-12-31 23:59:59.999999', '2000-01-10 23:59:59.999999'],
      ['4', '2', '2', '1', '2', '2', '1', '1', null, null, '1', '2024-02-01 00:00:00.000001', '2024-02-11 00:00:00.000001'],
    ]);
    expect(await pgExact()).toEqual(await lakeExact(2));
    expect(heard.slice(1)).toEqual([{ target: `${schema}.ecommerce`, sync_id: 2, version: 2, previous_version: 1, mode: 'upsert', upserted: 2, deleted: 1 }]);
    expect(await changeLog()).toEqual([
      { c: 1, s: '2024-01-01 10:00:00.123456', sync_id: 2, version: 2, deleted: false },
      { c: 2, s: '2024-01-02 00:00:00', sync_id: 2, version: 2, deleted: true },
      { c: 4, s: '2024-02-01 00:00:00.000001', sync_id: 2, version: 2, deleted: false },
    ]);

    const again = await exportLake({ ecommerce_state: 2, ecommerce_tombstones: 1 }, 2);
    expect(again).toMatchObject({ fromVersion: 2, toVersion: 2, rowsUpserted: 0, rowsDeleted: 0, mode: 'none' });
    expect(heard).toHaveLength(2);
    expect(await syncLog()).toEqual([
      { sync_id: 1, version: 1, previous_version: 0, mode: 'initial-copy', upserted: 3, deleted: 0 },
      { sync_id: 2, version: 2, previous_version: 1, mode: 'upsert', upserted: 2, deleted: 1 },
    ]);
  });

  it('an export pinned to the committed versions does not see a newer, uncommitted Delta version (an interrupted run); once committed it does', async () => {
    const before = await pgText();
    // run 3 writes both tables but dies before its commit mark: the commit record still says state 2, tombstones 1
    await spark.sql(
      `INSERT OVERWRITE ${table('ecommerce_state')} VALUES
         (1, 99.5D, 99.5D, 1, 99.5F, 99.5F, 1, 1.0D, NULL, NULL, 1, TIMESTAMP'2024-01-01 10:00:00.123456', TIMESTAMP_NTZ'2024-01-11 10:00:00.5', 3),
         (4, 2.0D, 2.0D, 1, 2.0F, 2.0F, 1, 1.0D, NULL, NULL, 1, TIMESTAMP'2024-02-01 00:00:00.000001', TIMESTAMP_NTZ'2024-02-11 00:00:00.000001', 2)`,
    ); // ecommerce_state version 3
    await spark.sql(`INSERT INTO ${table('ecommerce_tombstones')} VALUES (3, TIMESTAMP'1999-12-31 23:59:59.999999', 3)`); // version 2

    // without a run id the watermark is the newest _version at the pinned versions: still 2
    const pinned = await exportLake({ ecommerce_state: 2, ecommerce_tombstones: 1 });
    expect(pinned).toMatchObject({ fromVersion: 2, toVersion: 2, mode: 'none' });
    expect(await pgText()).toEqual(before);
    expect(heard).toHaveLength(2);

    // the run's commit mark written: the next export brings exactly its changes
    const committed = await exportLake({ ecommerce_state: 3, ecommerce_tombstones: 2 }, 3);
    expect(committed).toMatchObject({ fromVersion: 2, toVersion: 3, rowsUpserted: 1, rowsDeleted: 1, mode: 'upsert' });
    expect(await pgExact()).toEqual(await lakeExact(3));
    expect(heard.slice(2)).toEqual([{ target: `${schema}.ecommerce`, sync_id: 3, version: 3, previous_version: 2, mode: 'upsert', upserted: 1, deleted: 1 }]);
  });

  it('exactly-once under kill -9: killed before its commit the export leaves Postgres as it was; killed after, the rerun does nothing', async () => {
    // run 4: customer 4 changed, customer 1's window gone
    await spark.sql(
      `INSERT OVERWRITE ${table('ecommerce_state')} VALUES
         (4, 6.5D, 3.25D, 2, 4.5F, 2.0F, 2, 1.0D, NULL, NULL, 2, TIMESTAMP'2024-02-01 00:00:00.000001', TIMESTAMP_NTZ'2024-02-11 00:00:00.000001', 4)`,
    ); // ecommerce_state version 4
    await spark.sql(`INSERT INTO ${table('ecommerce_tombstones')} VALUES (1, TIMESTAMP'2024-01-01 10:00:00.123456', 4)`); // version 3
    const before = await pgText();
    const pinned = { ecommerce_state: 4, ecommerce_tombstones: 3 };

    // killed after the rows were upserted and the NOTIFY queued, before the watermark and COMMIT
    const killed = await exportInChild(pinned, 4, 'export-mid-copy');
    expect(killed, killed.out).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(await pgText()).toEqual(before);
    expect(await pgQuery(`SELECT version::int FROM "${schema}".pipeline_sync_state`)).toEqual([{ version: 3 }]);
    expect(heard).toHaveLength(3);
    // what `status` says on the Spark engine meanwhile
    const status = await readSyncStatus(new SparkExportSource({ client: spark, lake, versions: pinned, runId: 4 }), path.join(tmp, 'unused.duckdb'), { postgres: pgUrl, pgSchema: schema });
    expect(status).toMatchObject({ watermark: 3, duckdbVersion: 4, versionsBehind: 1, rowsBehind: 1, tombstonesBehind: 1 });

    // killed right after its COMMIT: everything is in, once
    const committed = await exportInChild(pinned, 4, 'export-after-commit');
    expect(committed, committed.out).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(await pgExact()).toEqual(await lakeExact(4));
    expect(heard.slice(3)).toEqual([{ target: `${schema}.ecommerce`, sync_id: 4, version: 4, previous_version: 3, mode: 'upsert', upserted: 1, deleted: 1 }]);

    const rerun = await exportLake(pinned, 4);
    expect(rerun).toMatchObject({ fromVersion: 4, toVersion: 4, mode: 'none' });
    expect(heard).toHaveLength(4);
    expect(await syncLog()).toHaveLength(4);
  });
});

describe('large results over Spark Connect', () => {
  it('the client streams a result as several Arrow batches, and a reader that stops early leaves the session usable', async () => {
    let batches = 0;
    let rows = 0;
    for await (const b of spark.batches('SELECT id FROM range(0, 300000, 1, 3)')) {
      if (b.numRows > 0) batches++;
      rows += b.numRows;
    }
    expect(rows).toBe(300_000);
    expect(batches).toBeGreaterThan(1);
    for await (const b of spark.batches('SELECT id FROM range(0, 300000, 1, 3)')) {
      expect(b.numRows).toBeGreaterThan(0);
      break; // cancels the statement
    }
    expect((await spark.sql('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('an initial copy of a lake table read as several Arrow batches exports every row exactly', async () => {
    const other = { lake: path.join(tmp, 'lake-many'), schema: `${schema}_many` };
    await spark.sql(`CREATE TABLE ${table('pipeline_settings', other.lake)} USING delta AS SELECT 'warehouse_id' AS key, ${sparkString(`${lakeId}-many`)} AS value`);
    await spark.sql(
      `CREATE TABLE ${table('ecommerce_tombstones', other.lake)} (Customer_ID INT NOT NULL, start_timestamp TIMESTAMP NOT NULL, _version BIGINT NOT NULL) USING delta`,
    );
    // four files (one per range partition); every value differs, bigints above 2^53, NULLs, microseconds
    await spark.sql(
      `CREATE TABLE ${table('ecommerce_state', other.lake)} USING delta AS
       SELECT CAST(id AS INT) AS Customer_ID, id / 7.0D AS Total_Order_Amount, id / 13.0D AS Average_Order_Amount, id % 5 AS Order_Count,
              CAST(id / 3.0D AS FLOAT) AS Highest_Order_Amount, CAST(-id / 11.0D AS FLOAT) AS Lowest_Order_Amount,
              id * 922337203685L AS Total_Quantity_Ordered, IF(id % 3 = 0, NULL, id * 0.1D) AS Average_Quantity_Per_Ordered,
              sqrt(id) AS Total_Delivery_Distance, IF(id % 4 = 0, NULL, 1.0D / (id + 1)) AS Average_Delivery_Distance,
              id % 17 AS Distict_Products, timestamp_micros(1704067200000000L + id * 1000001L) AS start_timestamp,
              timestamp_micros(1704931200000000L + id * 999999L) AS end_timestamp, 1L AS _version
       FROM range(0, 20000, 1, 4)`,
    ); // Delta version 0
    let batches = 0;
    for await (const b of spark.batches(`SELECT * FROM ${table('ecommerce_state', other.lake)} VERSION AS OF 0`)) if (b.numRows > 0) batches++;
    expect(batches).toBeGreaterThan(1);

    const report = await exportLake({ ecommerce_state: 0, ecommerce_tombstones: 0 }, 1, other);
    expect(report).toMatchObject({ fromVersion: 0, toVersion: 1, rowsUpserted: 20_000, rowsDeleted: 0, mode: 'initial-copy' });
    expect(await pgExact(other.schema)).toEqual(await lakeExact(0, other.lake));
  });
});
