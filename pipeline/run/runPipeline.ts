import type { PipelineConfig } from '../config/loadConfig.js';
import type { ProgressReporter } from '../progress/ProgressReporter.js';
import { consistencyProbe, inconsistencyWarning } from '../warehouse/consistencyProbe.js';
import { recordSqlFiles } from '../warehouse/migrateWarehouse.js';
import { Warehouse, withWarehouse } from '../warehouse/Warehouse.js';
import { warehouseOptions } from '../warehouse/warehouseOptions.js';
import type { BatchInput, BatchResult } from './applyBatch.js';
import { archiveLoadedFiles } from './archiveLoadedFiles.js';
import { commitBatch } from './commitBatch.js';
import { crashPoint } from './crashPoint.js';
import { profileMarks } from '../progress/profileMarks.js';
import { findArrivals, type Arrivals } from './findArrivals.js';
import { FIRST_BUILD_UNDONE, undoInterruptedFirstBuild } from './firstBuild.js';
import { latestLedgerEntries, type LedgerEntry } from './ledger.js';
import { readRunSql, type RunSql } from './readRunSql.js';
import { recordTouched } from './recordTouched.js';
import { retractWithdrawal } from './retractWithdrawal.js';
import { buildRunReport, type RunReport } from './runReport.js';
import { stageNewVersions } from './stageNewVersions.js';
import { forgetSettledRecord, mayUseSettledRecord, recordSettledRun, settledRunReport } from './settledRun.js';
import { UNREADABLE_HASH } from './planBatch.js';
import type { DroppedFile } from '../ingest/scanDropFolders.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';

export type { RunReport } from './runReport.js';

export interface RunOptions {
  /** After a successful commit, move processed files to <data>/archive/<Dataset>/. */
  archive?: boolean;
  /** Recompute everything from the raw tables (the `rebuild` command). */
  rebuild?: boolean;
  /** Withdraw this file's records (the `retract` command); path relative to the data dir. */
  retract?: string;
  /**
   * Share of changed keys (of the keyed state) above which a full recompute is
   * cheaper than the incremental path; both give the same result. Default 0.3.
   */
  fullRecomputeShare?: number;
  /**
   * Files modified less than this many ms ago are left for a later run (they
   * may still be being written); reported in filesWaiting. Default 0.
   */
  settleMs?: number;
  /** Where the "warehouse busy, waiting" message goes (how long: config.waitSeconds). Default stderr. */
  onWait?: (message: string) => void;
  /** Progress of long stages (reading each file, keyed state, metrics); see terminalProgress. */
  progress?: ProgressReporter;
}

/** What a run does when there is nothing to apply: record new stats and SQL checksums only. */
async function recordNothingToDo(w: Warehouse, arrivals: Arrivals, sql: RunSql): Promise<void> {
  if (arrivals.plan.touched.length > 0) await w.transaction(() => recordTouched(w, arrivals.plan));
  if (sql.report.modelsChanged.length + sql.report.stagingChanged.length > 0) {
    await w.transaction(() => recordSqlFiles(w, sql.report.files));
  }
}

/** Stages the new files (outside the transaction), then applies the batch in one transaction. */
async function stageAndCommit(
  w: Warehouse,
  config: PipelineConfig,
  options: RunOptions,
  batch: Pick<BatchInput, 'kind' | 'withdraw' | 'forceFull' | 'startedAt'>,
  arrivals: Arrivals,
  sql: RunSql,
): Promise<BatchResult> {
  const newVersions = await stageNewVersions(w, arrivals.plan.newVersions, sql.snapshot, options.progress);
  crashPoint('after-stage');
  return commitBatch(w, arrivals.plan, {
    ...batch, sql: sql.snapshot, window: config.window, newVersions,
    fullRecomputeShare: options.fullRecomputeShare, progress: options.progress,
    note: sql.rebuildReason ? `full recompute: ${sql.rebuildReason}` : undefined,
  }, sql.report.files);
}

/**
 * The pipeline's main job: find new or changed files, load them, and bring the
 * keyed state and `ecommerce` up to date, all in one transaction (a first build
 * commits in parts and stays all-or-nothing: firstBuild.ts).
 */
export async function runPipeline(config: PipelineConfig, options: RunOptions = {}): Promise<RunReport> {
  const started = performance.now();
  const settleable = mayUseSettledRecord(config, { kind: kindOf(options), archive: options.archive, settleMs: options.settleMs });
  if (settleable) {
    const settled = settledRunReport(config, started);
    if (settled) return settled;
  }
  let opened = false;
  try {
    return await runOpened(config, options, settleable, started, () => (opened = true));
  } catch (error) {
    if (opened) await undoFailedFirstBuild(config, error);
    throw error;
  }
}

/**
 * After a failed run: a first build that committed parts is undone before the
 * error is reported (commitBatch does it on the run's connection when it can;
 * after e.g. a full disk invalidated that connection, here on a fresh one).
 * The error says whether the undo happened; if it could not (the disk is still
 * full), every reader refuses the warehouse until the next run undoes it.
 */
async function undoFailedFirstBuild(config: PipelineConfig, error: unknown): Promise<void> {
  let note: string;
  try {
    const undone = await withWarehouse(
      { ...warehouseOptions(config, { allowInterruptedFirstBuild: true }), lockWaitMs: 0 },
      (w) => undoInterruptedFirstBuild(w),
    );
    if (!undone) return;
    note = FIRST_BUILD_UNDONE;
  } catch (undoError) {
    const why = undoError instanceof Error ? undoError.message.split('\n')[0] : String(undoError);
    note =
      `the parts the first build committed could not be undone yet (${why}); ` +
      'every reader refuses the warehouse until the next `pipeline run` undoes them';
  }
  if (error instanceof Error) error.message = `${error.message}\n${note}`;
}

function kindOf(options: RunOptions): BatchInput['kind'] {
  return options.retract !== undefined ? 'retract' : options.rebuild ? 'rebuild' : 'run';
}

/** A clean run's listing, for the no-op check's record (settledRun.ts); undefined when the run leaves none. */
function settledListing(arrivals: Arrivals, ledger: Map<string, LedgerEntry>, warnings: string[]): DroppedFile[] | undefined {
  if (warnings.length > 0 || arrivals.waiting.length > 0) return undefined;
  // a file quarantined as unreadable is retried once readable, which no listing shows
  if (arrivals.plan.newVersions.some((v) => v.unreadable !== undefined)) return undefined;
  for (const e of ledger.values()) if (e.content_hash === UNREADABLE_HASH) return undefined;
  return arrivals.scan.files;
}

async function runOpened(config: PipelineConfig, options: RunOptions, settleable: boolean, started: number, onOpen: () => void): Promise<RunReport> {
  const startedAt = new Date();
  let warehouse: Warehouse | undefined;
  let listing: DroppedFile[] | undefined;
  let executed: SqlSnapshot | undefined;
  const report = await withWarehouse(warehouseOptions(config, { onWait: options.onWait, allowInterruptedFirstBuild: true }), async (w) => {
    onOpen();
    warehouse = w;
    w.fingerprintAtClose = settleable;
    const sql = await readRunSql(w, config, options.rebuild === true); // migrates first
    executed = sql.snapshot;
    // A first build killed between its parts is undone before the ledger is read.
    const undone = await undoInterruptedFirstBuild(w);
    // Damage done by hand (sql --write) is not repaired by a run: say so instead of "nothing to do".
    const damage = await consistencyProbe(w);
    const ledger = await latestLedgerEntries(w);
    const kind = kindOf(options);
    const withdraw = options.retract !== undefined ? [retractWithdrawal(options.retract, config.dataDir, ledger)] : [];
    // A fresh warehouse (first run, or recovery from a corrupt one) also reads <data>/archive/.
    const fresh = kind === 'run' && (await w.count('SELECT count(*) FROM pipeline_runs')) === 0;
    const mark = profileMarks('run');
    const arrivals = await findArrivals(config.dataDir, ledger, { scan: kind === 'run', fresh, settleMs: options.settleMs ?? 0 });
    mark(`listed ${arrivals.scan.files.length} files, hashed the new and changed (${arrivals.plan.newVersions.length} new versions)`);
    const warnings = [...sql.warnings, ...arrivals.warnings];
    if (undone) warnings.unshift('an interrupted first build was undone; this run loads its files again');
    if (damage.length > 0 && kind !== 'rebuild') warnings.unshift(inconsistencyWarning(damage));
    const forceFull = options.rebuild === true || sql.rebuildReason !== undefined;
    const nothingToDo = arrivals.plan.newVersions.length === 0 && withdraw.length === 0 && !forceFull;

    const result = nothingToDo
      ? await recordNothingToDo(w, arrivals, sql).then(() => undefined)
      : await stageAndCommit(w, config, options, { kind, withdraw, forceFull, startedAt }, arrivals, sql);
    // A run that recomputed everything leaves no WAL for every later open to replay.
    if (result?.strategy === 'full') w.checkpointAtClose = true;
    const filesArchived =
      options.archive && kind === 'run' ? await archiveLoadedFiles(w, config.dataDir, arrivals.scan.files, warnings) : 0;
    if (kind === 'rebuild') {
      const left = await consistencyProbe(w);
      if (left.length > 0) {
        warnings.unshift(
          `the rebuild could not repair the warehouse (${left.join('; ')}): the raw tables lack rows the ledger says were loaded; ` +
            'move the warehouse aside and run (a run on a fresh warehouse reads the drop folders and <data>/archive/)',
        );
      }
    }
    const resultRows = await w.count('SELECT count(*) FROM ecommerce_state');
    // A warehouse still without runs reads <data>/archive/ too, which the record does not list: no record then.
    if (settleable && !(fresh && result === undefined)) listing = settledListing(arrivals, ledger, warnings);
    return buildRunReport({ kind, arrivals, result, filesArchived, resultRows, rebuildReason: sql.rebuildReason, warnings, started });
  });
  if (settleable) {
    const fingerprint = warehouse?.closedFingerprint;
    if (listing && fingerprint && executed) recordSettledRun(config, listing, report.resultRows, fingerprint, executed);
    else forgetSettledRecord(config.warehousePath);
  }
  return report;
}
