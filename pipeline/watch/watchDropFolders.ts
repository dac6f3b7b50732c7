import path from 'node:path';
import chokidar from 'chokidar';
import type { PipelineConfig } from '../config/loadConfig.js';
import { PipelineError } from '../errors/PipelineError.js';
import { maskSecrets } from '../errors/maskSecrets.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../export/embeddedPostgres.js';
import { resolvePostgresTarget } from '../export/postgresTarget.js';
import type { SyncReport } from '../export/syncToPostgres.js';
import { DATASET_LIST } from '../ingest/datasets.js';
import { ignoredNameReason } from '../ingest/scanDropFolders.js';
import { terminalField } from '../cli/terminalField.js';
import { terminalSafe } from '../cli/terminalSafe.js';
import type { ProgressReporter } from '../progress/ProgressReporter.js';
import type { RunReport } from '../run/runPipeline.js';
import { runThenExport, type RunThenExportReport } from '../run/runThenExport.js';
import { checkpointKeptWal } from './checkpointKeptWal.js';

export interface WatchOptions {
  export: boolean;
  postgres?: string;
  pgSchema?: string;
  /** A file is taken once unchanged (mtime) for this long. Default 250 ms. */
  settleMs?: number;
  /** Arrivals within this window form one batch. Default 100 ms. */
  debounceMs?: number;
  /** Safety-net rescan of the drop folders (events can be lost under load). Default 5000 ms. */
  rescanMs?: number;
  /** After this long without arrivals, fold the WAL a run kept into the warehouse (checkpointKeptWal). Default 3000 ms; 0: never. */
  idleCheckpointMs?: number;
  log?: (line: string) => void;
  /** A progress reporter for each batch (e.g. terminalProgress showing only after ~2 s). */
  progress?: () => ProgressReporter;
  onBatch?: (report: RunReport, sync: SyncReport | undefined) => void;
}

export interface DropWatcher {
  /** Resolves once the start-up batch (files already present) is done. */
  ready: Promise<void>;
  /** Finishes the batch in progress (never interrupts it), stops watching and any embedded Postgres. */
  stop(): Promise<void>;
}

/**
 * Watch mode: every batch of arrivals in the drop folders becomes one
 * incremental run (+ export). Files already present at start-up are processed
 * first. Each batch rescans the folders against the ledger, so events the
 * watcher missed are caught too; a periodic rescan covers lost events. A file
 * is read only once it has stopped changing for settleMs (or was renamed into
 * place from a hidden/.tmp/.part name, which the watcher ignores). A batch in
 * progress is never interrupted; arrivals meanwhile form the next batch. The
 * warehouse is open only during a batch, so `pipeline sql` can read it between
 * batches (and waits for a batch to finish). When idle (idleCheckpointMs without
 * arrivals), the WAL a run kept is folded into the file, so readers and the next
 * batch have nothing to replay.
 */
export function watchDropFolders(config: PipelineConfig, options: WatchOptions): DropWatcher {
  const print = options.log ?? ((l: string) => console.log(l));
  // every line may hold names and reasons from data: printed terminal-safe
  const log = (line: string) => print(terminalSafe(line));
  const settleMs = options.settleMs ?? 250;
  const debounceMs = options.debounceMs ?? 100;
  const idleCheckpointMs = options.idleCheckpointMs ?? 3000;
  let timer: NodeJS.Timeout | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let pending = true;
  let stopping = false;
  // No batch before the start-up batch: one started by the rescan or an arrival
  // while the embedded Postgres is still starting would export to a second
  // embedded server of its own (the two clash). The start-up batch scans all.
  let started = false;
  let exportBehind = options.export;
  // After a failed export the next attempt waits exportBackoff (1 s, doubling to
  // 30 s), as the log line says. Its own timer: the rescan and arrivals run
  // batches meanwhile (DuckDB keeps loading) but those do not export before it.
  let exportBackoff = 1000;
  let exportDue = true;
  let exportRetryTimer: NodeJS.Timeout | undefined;
  let exportFailed = false;
  let embedded: RunningPostgres | undefined;
  let postgresUrl = options.postgres;

  const schedule = (ms: number) => {
    if (stopping || !started) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void kick(), ms);
  };

  // Idle: no arrivals for idleCheckpointMs after a batch. Runs like a batch
  // (`running`), so an arrival meanwhile waits for it and becomes the next batch.
  const scheduleIdleCheckpoint = () => {
    if (idleTimer) clearTimeout(idleTimer);
    if (stopping || idleCheckpointMs <= 0) return;
    idleTimer = setTimeout(() => {
      if (running || pending || stopping) return;
      running = idleCheckpoint().finally(() => {
        running = undefined;
        if (pending) schedule(debounceMs);
      });
    }, idleCheckpointMs);
  };

  const idleCheckpoint = async (): Promise<void> => {
    try {
      const done = await checkpointKeptWal(config);
      if (done) log(`idle: checkpoint folded the ${(done.walBytes / 2 ** 20).toFixed(1)} MiB write-ahead log into the warehouse (${done.seconds.toFixed(2)}s)`);
    } catch (error) {
      log(`idle checkpoint failed: ${maskSecrets((error as Error).message)}; the next run or idle moment tries again`);
    }
  };

  const kick = async (): Promise<void> => {
    if (running) {
      pending = true; // becomes the next batch; the running one is never interrupted
      return;
    }
    pending = false;
    if (idleTimer) clearTimeout(idleTimer);
    running = batch().finally(() => {
      running = undefined;
      if (pending) schedule(debounceMs);
      else scheduleIdleCheckpoint();
    });
    await running;
  };

  const logRun = (report: RunReport) => {
    if (!report.changed) return;
    const loaded = report.files.filter((f) => f.status === 'loaded').length;
    log(
      `run #${report.runId} (${report.strategy}): ${loaded} file(s) loaded, ${report.rowsLoaded} rows, ` +
        `${report.rowsRejected} rejected; ${report.groupsUpserted} groups upserted, ${report.groupsDeleted} deleted (${report.seconds.toFixed(2)}s)`,
    );
    for (const f of report.files) {
      if (f.status === 'quarantined') log(`QUARANTINED ${terminalField(f.path)}: ${terminalField(String(f.reason))}`);
      else if (f.rowsRejected > 0) log(`${terminalField(f.path)}: ${f.rowsRejected} of ${f.rowsRead} rows rejected`);
    }
  };

  const logExport = (sync: SyncReport | undefined, error: Error | undefined) => {
    exportFailed = error !== undefined;
    if (error) {
      log(`${maskSecrets(error.message)}; DuckDB is committed, export retries in ${exportBackoff / 1000}s`);
      exportDue = false;
      exportRetryTimer = setTimeout(() => {
        exportDue = true;
        schedule(0);
      }, exportBackoff);
      exportBackoff = Math.min(exportBackoff * 2, 30_000);
    } else if (sync) {
      exportBehind = false;
      exportBackoff = 1000;
      if (sync.mode !== 'none') log(`export: version ${sync.fromVersion} -> ${sync.toVersion}, ${sync.rowsUpserted} upserted, ${sync.rowsDeleted} deleted`);
    }
  };

  const batch = async (): Promise<void> => {
    const progress = options.progress?.();
    let report: RunThenExportReport;
    if (embedded && exportFailed) {
      // the embedded server may have vanished (`pipeline postgres --stop`, killed): this watch still uses it
      try {
        if (await embedded.ensureRunning()) log('embedded Postgres was not running: started it again');
      } catch (error) {
        log(`cannot start the embedded Postgres: ${maskSecrets((error as Error).message)}`);
      }
    }
    try {
      report = await runThenExport(config, {
        run: { settleMs, onWait: (m) => log(m), progress },
        export: options.export ? { postgres: postgresUrl, pgSchema: options.pgSchema, attempts: 1, progress } : undefined,
        // what this batch changed, or what an earlier batch's failed export left behind, once its retry is due
        exportWhen: (run) => (exportBehind ||= run.changed) && exportDue,
        onRun: logRun,
      });
    } catch (error) {
      log(`run failed: ${error instanceof PipelineError ? `[${error.code}] ` : ''}${maskSecrets((error as Error).message)}; retrying in 2s`);
      schedule(2000);
      return;
    }
    if (report.run.filesWaiting.length > 0) schedule(settleMs);
    logExport(report.export, report.exportError);
    options.onBatch?.(report.run, report.export);
  };

  const watcher = chokidar.watch(
    DATASET_LIST.map((d) => path.join(config.dataDir, d.folder)),
    {
      ignoreInitial: true, // the start-up batch scans what is already there
      depth: 0,
      ignored: (p: string) => ignoredNameReason(path.basename(p)) !== undefined && !DATASET_LIST.some((d) => p === path.join(config.dataDir, d.folder)),
      // no awaitWriteFinish: its 2 s default would blow the latency target and it skips
      // files present at start; completeness is checked by the run itself (settleMs).
    },
  );
  // chokidar emits 'ready' once; listen now, not after the (slow) Postgres start.
  const watcherReady = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  watcher.on('all', () => {
    pending = true;
    schedule(debounceMs);
  });
  // An entry the watcher cannot examine (e.g. a symlink whose target it may not
  // stat) is reported and the watch goes on; each batch's scan reports it too.
  watcher.on('error', (error) => {
    const e = error as NodeJS.ErrnoException;
    log(`watcher: ${maskSecrets(e.message ?? String(error))}${e.code ? ` [${e.code}]` : ''}; still watching`);
    pending = true;
    schedule(debounceMs);
  });
  const rescan = setInterval(() => schedule(0), options.rescanMs ?? 5000);

  const ready = (async () => {
    if (options.export && resolvePostgresTarget({ postgres: options.postgres, pgSchema: options.pgSchema }).kind === 'embedded') {
      embedded = await startEmbeddedPostgres(config.warehousePath, { handleSignals: false }); // stop() stops it; watch handles signals itself
      postgresUrl = embedded.connectionString;
      log(`embedded Postgres serving on ${new URL(postgresUrl).host}`);
    }
    await watcherReady;
    started = true;
    await kick();
  })();

  return {
    ready,
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      if (idleTimer) clearTimeout(idleTimer);
      if (exportRetryTimer) clearTimeout(exportRetryTimer);
      clearInterval(rescan);
      await watcher.close();
      await ready.catch(() => undefined);
      while (running) await running;
      await embedded?.stop();
    },
  };
}
