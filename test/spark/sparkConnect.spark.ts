import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PipelineError } from '../../pipeline/errors/PipelineError.js';
import { SparkConnectClient, parseSparkRemote } from '../../pipeline/spark/SparkConnectClient.js';

const remote = inject('sparkRemote');
const runDir = inject('sparkRunDir');
let spark: SparkConnectClient;
let tmp: string;

beforeAll(() => {
  spark = new SparkConnectClient({ remote });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-spark-'));
});
afterAll(async () => {
  await spark?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function expectPipelineError(p: Promise<unknown>): Promise<PipelineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PipelineError);
  return err as PipelineError;
}

async function master(): Promise<{ workers: { state: string; id: string }[]; activeapps: { name: string; cores: number }[] }> {
  const port = fs.readFileSync(path.join(runDir, 'master-ui.port'), 'utf8').trim();
  const res = await fetch(`http://127.0.0.1:${port}/json/`);
  return (await res.json()) as never;
}

function parentPid(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

describe('Spark Connect client on a 2-worker standalone cluster', () => {
  it('parses sc:// URLs', () => {
    expect(parseSparkRemote('sc://127.0.0.1:15002')).toMatchObject({ host: '127.0.0.1', port: 15002 });
    expect(parseSparkRemote('sc://spark.example/;user_id=etl')).toMatchObject({ port: 15002, params: { user_id: 'etl' } });
    expect(() => parseSparkRemote('http://x')).toThrow(/not a Spark Connect URL/);
  });

  it('SELECT 1', async () => {
    const r = await spark.sql('SELECT 1 AS one');
    expect(r.columns).toEqual([{ name: 'one', type: 'Int32' }]);
    expect(r.rows).toEqual([{ one: 1 }]);
  });

  it('decodes several types losslessly: bigint above 2^53, double, timestamp, string, null, decimal, date', async () => {
    const r = await spark.sql(
      `SELECT 9007199254740993L AS big, -1.5e300D AS d, TIMESTAMP'2024-02-29 23:59:58.123' AS ts,
              'Zoë "quoted", ok' AS s, CAST(NULL AS BIGINT) AS n, CAST(12345678901234567.89 AS DECIMAL(20,2)) AS dec,
              DATE'2024-02-29' AS dt, true AS b`,
    );
    expect(r.columns.map((c) => c.name)).toEqual(['big', 'd', 'ts', 's', 'n', 'dec', 'dt', 'b']);
    const row = r.rows[0]!;
    expect(row.big).toBe(9007199254740993n);
    expect(row.d).toBe(-1.5e300);
    expect((row.ts as Date).toISOString()).toBe('2024-02-29T23:59:58.123Z');
    expect(row.s).toBe('Zoë "quoted", ok');
    expect(row.n).toBeNull();
    expect(row.dec).toBe('12345678901234567.89');
    expect((row.dt as Date).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(row.b).toBe(true);
  });

  it('runs queries on both workers (two executor JVMs, children of the two worker JVMs)', async () => {
    const m = await master();
    expect(m.workers.filter((w) => w.state === 'ALIVE')).toHaveLength(2);
    expect(m.activeapps.map((a) => [a.name, a.cores])).toContainEqual(['pipeline Spark Connect server', 2]);

    // ProcessHandle.current() evaluated per row: the pid of the JVM running each task. An executor
    // that has just (re)started (engineKill restarts a worker) may take no task yet: ask again.
    let r = await spark.sql(
      "SELECT reflect('java.lang.ProcessHandle', 'current') AS pid, count(*) AS n FROM range(0, 200000, 1, 16) GROUP BY 1",
    );
    for (let attempt = 0; r.rows.length < 2 && attempt < 30; attempt++) {
      await new Promise((res) => setTimeout(res, 2000));
      r = await spark.sql(
        "SELECT reflect('java.lang.ProcessHandle', 'current') AS pid, count(*) AS n FROM range(0, 2000000, 1, 32) GROUP BY 1",
      );
    }
    const pids = r.rows.map((row) => Number(row.pid));
    expect(pids).toHaveLength(2);
    expect(r.rows.reduce((s, row) => s + (row.n as bigint), 0n)).toBeGreaterThanOrEqual(200000n);
    const connectPid = Number(fs.readFileSync(path.join(runDir, 'connect.pid'), 'utf8'));
    const workerPids = ['worker1', 'worker2'].map((w) => Number(fs.readFileSync(path.join(runDir, `${w}.pid`), 'utf8')));
    expect(pids).not.toContain(connectPid);
    expect(pids.map(parentPid).sort()).toEqual([...workerPids].sort());
  });

  // Reading CSV through Spark and the Delta table life cycle (MERGE, DELETE, time travel,
  // RESTORE) are exercised by the engine's own tests: engineParity, engineKill, exportFromLake.

  it('reports bad SQL as a one-line error with a code, not a gRPC stack', async () => {
    const err = await expectPipelineError(spark.sql('SELEC 1'));
    expect(err.code).toBe('SPARK_QUERY_FAILED');
    expect(err.message).toMatch(/^Spark: \[PARSE_SYNTAX_ERROR\] Syntax error at or near 'SELEC'/);
    expect(err.message).not.toMatch(/\n|INVALID_ARGUMENT|grpc|\bat [\w.]+\(/i);

    const missing = await expectPipelineError(spark.sql('SELECT * FROM no_such_table'));
    expect(missing.code).toBe('SPARK_QUERY_FAILED');
    expect(missing.message).toMatch(/^Spark: \[TABLE_OR_VIEW_NOT_FOUND\]/);
    expect(missing.message).not.toContain('\n');

    // the session survives errors
    expect((await spark.sql('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('reports an unreachable server as SPARK_UNAVAILABLE in one line', async () => {
    const { port } = parseSparkRemote(remote);
    const dead = new SparkConnectClient({ remote: `sc://127.0.0.1:${port === 1 ? 2 : 1}`, timeoutMs: 10_000 });
    const err = await expectPipelineError(dead.sql('SELECT 1'));
    await dead.close();
    expect(err.code).toBe('SPARK_UNAVAILABLE');
    expect(err.message).toMatch(/^Spark Connect server sc:\/\/127\.0\.0\.1:\d+ is not reachable/);
    expect(err.message).not.toContain('\n');
  });
});
