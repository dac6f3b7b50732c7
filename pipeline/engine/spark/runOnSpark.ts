import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PipelineConfig } from '../../config/loadConfig.js';
import { PipelineError } from '../../errors/PipelineError.js';
import { lockOwnerPid, tryLockSync, unlockSync } from '../../export/serverLock.js';
import { FULL_RECOMPUTE_SHARE, type BatchInput, type BatchResult, type FileReport } from '../../run/applyBatch.js';
import { collectChangedKeys } from '../../run/collectChangedKeys.js';
import { crashPoint } from '../../run/crashPoint.js';
import { ledgerByPath, type LedgerEntry } from '../../run/ledger.js';
import type { NewVersion } from '../../run/planBatch.js';
import { recomputeResult } from '../../run/recomputeResult.js';
import { retractWithdrawal } from '../../run/retractWithdrawal.js';
import type { RunOptions } from '../../run/runPipeline.js';
import { buildRunReport, type RunReport } from '../../run/runReport.js';
import { withdrawnVersions } from '../../run/withdrawnVersions.js';
import { SqlSnapshot, RECOMPUTE_KINDS } from '../../warehouse/sqlFiles.js';
import { beginRun, commitRun, recoverInterruptedRun } from './lakeCommits.js';
import { listDropsOnSpark, type SparkDroppedFile } from './listDropsOnSpark.js';
import { SparkSqlRenderer } from './renderSparkSql.js';
import { isLakeUri, withLake, type SparkLake } from './SparkLake.js';
import { sparkString } from './sparkQuote.js';
import { sparkSteps, sparkWindowInterval } from './sparkSteps.js';
import { stageFileOnSpark } from './stageFileOnSpark.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One writer per lake: a lock file in a local lake folder (held by a live
 * process; a dead holder's lock is taken over). A lake on object storage has
 * no such lock here: one writer at a time is then the user's to ensure.
 */
export async function withLakeLock<T>(config: PipelineConfig, work: () => Promise<T>): Promise<T> {
  if (isLakeUri(config.lake)) return work();
  fs.mkdirSync(config.lake, { recursive: true });
  const file = path.join(config.lake, '_pipeline.lock');
  const deadline = Date.now() + config.waitSeconds * 1000;
  while (!tryLockSync(file)) {
    if (Date.now() >= deadline) {
      throw new PipelineError('LAKE_LOCKED', `the lake ${config.lake} is in use by another pipeline process (pid ${lockOwnerPid(file) ?? '?'}); waited ${config.waitSeconds} s (--wait)`);
    }
    await sleep(200);
  }
  try {
    return await work();
  } finally {
    unlockSync(file);
  }
}

async function latestLedger(l: SparkLake): Promise<Map<string, LedgerEntry>> {
  const rows = await l.all(`
    SELECT file_id, path, dataset, content_hash, size_bytes, unix_micros(mtime) AS mtime_us, status
    FROM pipeline_files
    QUALIFY row_number() OVER (PARTITION BY path ORDER BY file_id DESC) = 1`);
  return ledgerByPath(rows);
}

/** Checksum of what decides the result on this engine: the shared steps and the Spark shims. */
function modelsChecksum(sql: SqlSnapshot): string {
  const h = crypto.createHash('sha256');
  const files = [...sql.files.filter((f) => RECOMPUTE_KINDS.includes(f.kind)), ...sql.ofEngine('spark')];
  for (const f of files.sort((a, b) => (a.name < b.name ? -1 : 1))) h.update(`${f.name}\0${f.checksum}\n`);
  return h.digest('hex');
}

async function setting(l: SparkLake, key: string): Promise<string | undefined> {
  const row = await l.one<{ value: string }>(`SELECT value FROM pipeline_settings WHERE key = ${sparkString(key)}`);
  return row?.value;
}

async function putSetting(l: SparkLake, key: string, value: string): Promise<void> {
  await l.run(
    `MERGE INTO pipeline_settings t USING (SELECT ${sparkString(key)} AS key, ${sparkString(value)} AS value) s ON t.key = s.key ` +
      'WHEN MATCHED THEN UPDATE SET value = s.value WHEN NOT MATCHED THEN INSERT (key, value) VALUES (s.key, s.value)',
  );
}

function lit(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return 'NULL';
  return typeof v === 'number' ? String(Math.trunc(v)) : sparkString(v);
}

/**
 * `pipeline run --engine spark`: the same run as on DuckDB (find new or changed
 * files, stage them with sql/staging/, the shared steps of sql/batch, state,
 * marts, audits in the same order by the same TypeScript), on a Spark cluster
 * over Spark Connect, with the state in Delta tables under --lake and the
 * commit protocol of sql/engines/spark/commits.sql making each run all or
 * nothing: an interrupted run (kill -9 of this process, a failed statement, a
 * failed audit) is undone before anything else reads the lake.
 */
export async function runOnSpark(config: PipelineConfig, options: RunOptions = {}): Promise<RunReport> {
  const started = performance.now();
  const startedAt = new Date();
  sparkWindowInterval(config.window); // refuse a calendar window before touching anything
  // one snapshot for the whole run: the session's lake, commit and function files too
  const sql = SqlSnapshot.read();
  return withLakeLock(config, () =>
    withLake(config, { create: true, sql }, async (l) => {
      const render = new SparkSqlRenderer(sql);
      const warnings: string[] = [];
      const undone = await recoverInterruptedRun(l);
      if (undone !== undefined) warnings.push(`run ${undone} was interrupted and has been undone; this run loads its files again`);

      // Independent reads, at once (each Delta read costs a Spark job).
      const kind: BatchInput['kind'] = options.retract !== undefined ? 'retract' : options.rebuild ? 'rebuild' : 'run';
      const [ledger, runs, win, sum, listing, counts, lakeId] = await Promise.all([
        latestLedger(l),
        l.one<{ n: bigint; last: bigint }>('SELECT count(*) AS n, coalesce(max(run_id), 0) AS last FROM pipeline_runs'),
        setting(l, 'window'),
        setting(l, 'models_checksum'),
        kind === 'run' ? listDropsOnSpark(l, config.dataDir) : Promise.resolve({ scan: { files: [], ignored: [] }, files: [] as SparkDroppedFile[] }),
        l.one<{ state: bigint; files: bigint }>(
          'SELECT (SELECT count(*) FROM cur_orders) + (SELECT count(*) FROM cur_deliveries) AS state, (SELECT coalesce(max(file_id), 0) FROM pipeline_files) AS files',
        ),
        setting(l, 'warehouse_id'),
      ]);
      const withdraw = options.retract !== undefined ? [retractWithdrawal(options.retract, config.dataDir, ledger)] : [];
      const reasons: string[] = [];
      const checksum = modelsChecksum(sql);
      if (Number(runs?.n ?? 0) > 0) {
        if (win !== undefined && win !== config.window) reasons.push(`window changed from ${win} to ${config.window}`);
        if (sum !== undefined && sum !== checksum) reasons.push('SQL changed (sql/batch, state, marts or engines/spark)');
      }
      const rebuildReason = kind === 'rebuild' || reasons.length === 0 ? undefined : reasons.join('; ');
      const plan = { newVersions: [] as NewVersion[], touched: [], unchanged: 0 };
      for (const f of listing.files) {
        const known = ledger.get(f.path);
        if (known && known.size_bytes === f.size && known.mtime_us === f.mtimeUs) {
          plan.unchanged++;
          continue;
        }
        plan.newVersions.push({ file: f, hash: `spark-stat:${f.size}:${f.mtimeUs}`, previous: known });
      }
      const arrivals = { scan: { ...listing.scan, fromArchive: 0 }, waiting: [], plan, warnings: [] };
      const forceFull = kind === 'rebuild' || rebuildReason !== undefined;
      let result: BatchResult | undefined;
      if (plan.newVersions.length > 0 || withdraw.length > 0 || forceFull) {
        result = await applyOnSpark(l, sql, render, {
          kind, config, newVersions: plan.newVersions, withdraw, forceFull, startedAt, checksum,
          newLakeId: lakeId === undefined ? crypto.randomUUID() : undefined,
          runId: Number(runs?.last ?? 0) + 1, stateRows: Number(counts?.state ?? 0), lastFileId: Number(counts?.files ?? 0),
          fullRecomputeShare: options.fullRecomputeShare, note: rebuildReason ? `full recompute: ${rebuildReason}` : undefined,
        });
      }
      const resultRows = await l.count('SELECT count(*) FROM ecommerce_state');
      return buildRunReport({ kind, arrivals, result, filesArchived: 0, resultRows, rebuildReason, warnings, started });
    }),
  );
}

interface SparkBatch {
  kind: BatchInput['kind'];
  config: PipelineConfig;
  newVersions: NewVersion[];
  withdraw: BatchInput['withdraw'];
  forceFull: boolean;
  startedAt: Date;
  checksum: string;
  /** The lake's identity (pipeline_settings 'warehouse_id', what the export keys a resync on), written by its first run. */
  newLakeId?: string;
  runId: number;
  /** Keyed-state rows before the run (orders + deliveries). */
  stateRows: number;
  lastFileId: number;
  fullRecomputeShare?: number;
  note?: string;
}

/** One run's writes, between its 'started' and 'committed' commit rows; undone on any failure. */
async function applyOnSpark(l: SparkLake, sql: SqlSnapshot, render: SparkSqlRenderer, b: SparkBatch): Promise<BatchResult> {
  const runId = b.runId;
  await beginRun(l, runId);
  crashPoint('spark-after-begin');
  try {
    const result = await writeRun(l, sql, render, b, runId);
    await commitRun(l, runId);
    return result;
  } catch (error) {
    // Undo now (the next command would do it too): the lake is as it was before the run.
    try {
      await recoverInterruptedRun(l);
    } catch {
      // the next run recovers
    }
    if (error instanceof PipelineError && error.code === 'AUDIT_FAILED') error.message = error.message.replace('the warehouse', 'the lake');
    throw error;
  }
}

async function writeRun(l: SparkLake, sql: SqlSnapshot, render: SparkSqlRenderer, b: SparkBatch, runId: number): Promise<BatchResult> {
  const steps = sparkSteps(l, render);
  const stateRows = b.stateRows;
  const fullFromStart = b.forceFull || stateRows === 0;
  await steps.setVariables({ windowSize: b.config.window, runId, fullRecompute: fullFromStart });

  // Ledger: withdrawn versions get their status; new versions are staged and recorded.
  const withdrawn = withdrawnVersions({ newVersions: b.newVersions as BatchInput['newVersions'], withdraw: b.withdraw });
  if (withdrawn.size > 0) {
    // one MERGE for all of them (each statement on a lake table is a Spark job and a Delta commit)
    const rows = [...withdrawn].map(([fileId, x]) => `(${Math.trunc(fileId)}, ${lit(x.status)}, ${lit(x.reason)})`);
    await l.run(
      `MERGE INTO pipeline_files t USING (SELECT CAST(a AS INT) AS file_id, b AS status, c AS reason FROM VALUES ${rows.join(', ')} AS v(a, b, c)) w ` +
        `ON t.file_id = w.file_id WHEN MATCHED THEN UPDATE SET status = w.status, reason = w.reason, withdrawn_run_id = ${runId}`,
    );
  }
  let nextFileId = b.lastFileId + 1;
  const files: FileReport[] = [];
  const ledgerRows: string[] = [];
  for (const v of b.newVersions) {
    const file = v.file as SparkDroppedFile;
    const fileId = nextFileId++;
    const report = await stageFileOnSpark(l, sql, render, { file, fileId, runId });
    if (v.previous) report.replaced = v.previous.file_id;
    files.push(report);
    ledgerRows.push(
      `(${fileId}, ${lit(file.path)}, ${lit(file.dataset)}, ${lit(v.hash)}, ${file.size}, timestamp_micros(${file.mtimeUs}), ` +
        `${lit(report.status)}, ${report.rowsRead}, ${report.rowsLoaded}, ${report.rowsRejected}, ${lit(report.reason)}, NULL, ${runId}, NULL)`,
    );
  }
  if (ledgerRows.length > 0) {
    await l.run(
      'INSERT INTO pipeline_files SELECT CAST(a AS INT), b, c, d, CAST(e AS BIGINT), f, g, CAST(h AS BIGINT), CAST(i AS BIGINT), CAST(j AS BIGINT), ' +
        `CAST(k AS STRING), CAST(m AS STRING), CAST(n AS BIGINT), CAST(o AS BIGINT) FROM VALUES ${ledgerRows.join(', ')} AS t(a, b, c, d, e, f, g, h, i, j, k, m, n, o)`,
    );
  }
  if (b.kind === 'rebuild') await steps.runStep(sql, 'batch/drop_unledgered_rows.sql');

  const loaded = files.filter((f) => f.status === 'loaded').map((f) => f.fileId);
  const keysChanged = await collectChangedKeys(steps, sql, { loaded, withdrawn: [...withdrawn.keys()] });
  const full = fullFromStart || keysChanged > (b.fullRecomputeShare ?? FULL_RECOMPUTE_SHARE) * stateRows;
  await steps.setVariables({ rowsSinceFileId: withdrawn.size === 0 && loaded.length > 0 ? Math.min(...loaded) : 0 });
  const change = await recomputeResult(steps, { sql, full, withdraws: withdrawn.size > 0, keysChanged });
  crashPoint('after-result');
  await runSparkAudits(l, sql, render);

  const sum = (f: (x: FileReport) => number) => files.reduce((a, x) => a + f(x), 0);
  const row = [
    runId, lit(b.kind), `timestamp_micros(${b.startedAt.getTime() * 1000})`, 'current_timestamp()', files.length,
    files.filter((f) => f.status === 'loaded').length, files.filter((f) => f.status === 'quarantined').length, withdrawn.size,
    sum((f) => f.rowsRead), sum((f) => f.rowsLoaded), sum((f) => f.rowsRejected), keysChanged, change.groupsRecomputed,
    change.groupsUpserted, change.groupsDeleted, lit(full ? 'full' : 'incremental'), lit(b.note),
  ];
  await l.run(`INSERT INTO pipeline_runs SELECT ${row.map((v, i) => `CAST(${v} AS ${RUN_TYPES[i]})`).join(', ')}`);
  await putSetting(l, 'window', b.config.window);
  if (b.newLakeId) await putSetting(l, 'warehouse_id', b.newLakeId);
  await putSetting(l, 'models_checksum', b.checksum);
  crashPoint('before-commit');
  return { runId, strategy: full ? 'full' : 'incremental', files, filesWithdrawn: withdrawn.size, keysChanged, ...change };
}

const RUN_TYPES = [
  'BIGINT', 'STRING', 'TIMESTAMP', 'TIMESTAMP', 'INT', 'INT', 'INT', 'INT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT',
  'BIGINT', 'BIGINT', 'STRING', 'STRING',
];

/** The run's audits (sql/audits/), rendered for Spark: rows returned undo the run. */
async function runSparkAudits(l: SparkLake, sql: SqlSnapshot, render: SparkSqlRenderer): Promise<void> {
  for (const file of sql.ofKind('audits')) {
    const statements = render.step(file.name);
    const rows = await l.all(statements[statements.length - 1]!.text);
    if (rows.length === 0) continue;
    const sample = JSON.stringify(rows[0], (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    throw new PipelineError(
      'AUDIT_FAILED',
      `audit sql/${file.name} failed: ${rows.length} row(s) break it, e.g. ${sample}; the run was undone and the lake is as it was before it`,
    );
  }
}
