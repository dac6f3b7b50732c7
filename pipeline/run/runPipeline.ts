import fs from 'node:fs';
import path from 'node:path';
import type { PipelineConfig } from '../config/loadConfig.js';
import { PipelineError } from '../errors/PipelineError.js';
import { openForWriting } from '../ingest/openForWriting.js';
import type { ProgressReporter } from '../progress/ProgressReporter.js';
import { withQueryProgress } from '../progress/withQueryProgress.js';
import { scanDropFolders } from '../ingest/scanDropFolders.js';
import { archiveDir, scanWithArchive } from '../ingest/scanWithArchive.js';
import { migrateWarehouse, recordSqlFiles, type SqlReport } from '../warehouse/migrateWarehouse.js';
import { SqlSnapshot } from '../warehouse/sqlFiles.js';
import { Warehouse, withWarehouse } from '../warehouse/Warehouse.js';
import { warehouseOptions } from '../warehouse/warehouseOptions.js';
import { stageFile, type StageOutcome } from '../ingest/ingestFile.js';
import { DATASETS } from '../ingest/datasets.js';
import { applyBatch, type BatchInput, type BatchResult, type FileReport, type StagedVersion } from './applyBatch.js';
import { crashPoint } from './crashPoint.js';
import { latestLedgerEntries, nextId } from './ledger.js';
import { mtimeMicros, planBatch, type BatchPlan } from './planBatch.js';

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

export interface RunReport {
  kind: BatchInput['kind'];
  /** False when there was nothing to do: no version was used, nothing changed. */
  changed: boolean;
  runId: number | null;
  strategy: BatchResult['strategy'] | 'none';
  filesSeen: number;
  filesUnchanged: number;
  filesIgnored: { path: string; reason: string }[];
  /** Files skipped this time because they changed in the last settleMs (maybe still being written). */
  filesWaiting: string[];
  files: FileReport[];
  filesWithdrawn: number;
  filesArchived: number;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  keysChanged: number;
  groupsRecomputed: number;
  groupsUpserted: number;
  groupsDeleted: number;
  resultRows: number;
  /** Why a full recompute happened, when it was not asked for. */
  rebuildReason?: string;
  warnings: string[];
  seconds: number;
}

/** Files whose stat changed but content did not: the ledger records the new size/mtime, nothing else. */
async function recordTouched(w: Warehouse, plan: BatchPlan): Promise<void> {
  for (const t of plan.touched) {
    await w.run('UPDATE pipeline_files SET size_bytes = $1, mtime = make_timestamp($2::BIGINT) WHERE file_id = $3', [
      t.file.size, mtimeMicros(t.file), t.fileId,
    ]);
  }
}

async function rebuildReasonFor(w: Warehouse, config: PipelineConfig, sql: SqlReport): Promise<string | undefined> {
  const runs = await w.count('SELECT count(*) FROM pipeline_runs');
  if (runs === 0) return undefined;
  const reasons: string[] = [];
  if (sql.modelsChanged.length > 0) reasons.push(`SQL changed: ${sql.modelsChanged.map((n) => `sql/${n}`).join(', ')}`);
  const win = await w.one<{ value: string }>(`SELECT value FROM pipeline_settings WHERE key = 'window'`);
  if (win && win.value !== config.window) reasons.push(`window changed from ${win.value} to ${config.window}`);
  return reasons.length ? reasons.join('; ') : undefined;
}

/**
 * The pipeline's main job: find new or changed files, load them, and bring the
 * keyed state and `ecommerce` up to date, all in one transaction.
 */
export async function runPipeline(config: PipelineConfig, options: RunOptions = {}): Promise<RunReport> {
  const started = performance.now();
  const startedAt = new Date();
  return withWarehouse(warehouseOptions(config, { onWait: options.onWait }), async (w) => {
    // Read once: the text executed is the text whose checksum this run records.
    const snapshot = SqlSnapshot.read();
    const sql = await migrateWarehouse(w, snapshot);
    const warnings: string[] = [];
    if (sql.stagingChanged.length > 0) {
      warnings.push(
        `staging SQL changed (${sql.stagingChanged.map((n) => `sql/${n}`).join(', ')}): ` +
          `it applies to files ingested from now on; already loaded rows keep their staged values`,
      );
    }
    if (sql.missing.length > 0) warnings.push(`SQL files recorded before are gone: ${sql.missing.join(', ')}`);
    const rebuildReason = options.rebuild ? undefined : await rebuildReasonFor(w, config, sql);

    const ledger = await latestLedgerEntries(w);
    let kind: BatchInput['kind'] = options.rebuild ? 'rebuild' : 'run';
    const withdraw: BatchInput['withdraw'] = [];
    if (options.retract !== undefined) {
      kind = 'retract';
      const rel = options.retract.replaceAll('\\', '/').replace(/^\.?\//, '');
      const entry = ledger.get(rel) ?? ledger.get(path.relative(config.dataDir, path.resolve(options.retract)).replaceAll('\\', '/'));
      if (!entry) throw new PipelineError('NOT_FOUND', `no file ${options.retract} in the ledger (use a path like Orders/x.csv)`);
      if (entry.status !== 'loaded') {
        throw new PipelineError('USAGE', `${entry.path} is ${entry.status}; only a loaded file can be retracted`);
      }
      withdraw.push({ fileId: entry.file_id, status: 'retracted', reason: 'retracted by the retract command' });
    }

    // A fresh warehouse (first run, or recovery from a corrupt one) also reads <data>/archive/.
    const fresh = kind === 'run' && (await w.count('SELECT count(*) FROM pipeline_runs')) === 0;
    const scan = kind !== 'run' ? { files: [], ignored: [], fromArchive: 0 } : fresh ? scanWithArchive(config.dataDir) : { ...scanDropFolders(config.dataDir), fromArchive: 0 };
    if (scan.fromArchive > 0) {
      warnings.push(`fresh warehouse: ${scan.fromArchive} file(s) from ${archiveDir(config.dataDir)} read too, in arrival order (mtime)`);
    }
    const now = Date.now();
    const settle = options.settleMs ?? 0;
    const unchanged = (f: (typeof scan.files)[number]) => {
      const known = ledger.get(f.path);
      return known !== undefined && known.size_bytes === f.size && known.mtime_us === mtimeMicros(f);
    };
    const candidates = scan.files.filter((f) => !unchanged(f));
    // Not complete yet: changed within settleMs, or still open for writing by some process.
    const writing = settle > 0 ? openForWriting(candidates.map((f) => f.absPath)) : new Set<string>();
    const waiting = candidates.filter((f) => now - f.mtimeMs < settle || writing.has(f.absPath));
    const plan = await planBatch(
      scan.files.filter((f) => !waiting.includes(f)),
      ledger,
    );
    const forceFull = options.rebuild === true || rebuildReason !== undefined;
    const nothingToDo = plan.newVersions.length === 0 && withdraw.length === 0 && !forceFull;

    let result: BatchResult | undefined;
    if (nothingToDo) {
      if (plan.touched.length > 0) {
        await w.transaction(() => recordTouched(w, plan));
      }
    } else {
      // Read and stage every new file first, outside the transaction: a file
      // that fails to read is quarantined without aborting the run.
      let fileId = await nextId(w, 'pipeline_files', 'file_id');
      const staged: StagedVersion[] = [];
      for (const v of plan.newVersions) {
        const id = fileId++;
        const spec = DATASETS[v.file.dataset];
        const outcome: StageOutcome = v.unreadable
          ? { status: 'quarantined', rowsRead: 0, reason: v.unreadable }
          : await withQueryProgress(
              w.connection, options.progress,
              { name: `read ${v.file.path} (${staged.length + 1}/${plan.newVersions.length})`, total: v.file.size, unit: 'bytes' },
              () => stageFile(w, { fileId: id, runId: 0, path: v.file.path, absPath: v.file.absPath, spec, sql: snapshot }),
            );
        staged.push({ ...v, fileId: id, outcome });
      }
      crashPoint('after-stage');
      result = await w.transaction(async () => {
        await recordTouched(w, plan);
        const r = await applyBatch(w, {
          kind, sql: snapshot, window: config.window, newVersions: staged, withdraw, forceFull,
          fullRecomputeShare: options.fullRecomputeShare,
          startedAt,
          progress: options.progress,
          note: rebuildReason ? `full recompute: ${rebuildReason}` : undefined,
        });
        await recordSqlFiles(w, sql.files);
        crashPoint('before-commit');
        return r;
      });
      crashPoint('after-commit');
    }
    if (nothingToDo && sql.modelsChanged.length + sql.stagingChanged.length > 0) {
      await w.transaction(() => recordSqlFiles(w, sql.files));
    }

    let filesArchived = 0;
    if (options.archive && kind === 'run') {
      // Every file whose current version is loaded and still in a drop folder
      // (also those a crash after the commit left behind), never before the commit.
      const after = await latestLedgerEntries(w);
      for (const f of scan.files) {
        if (f.absPath.startsWith(archiveDir(config.dataDir) + path.sep)) continue; // already archived
        const entry = after.get(f.path);
        if (!entry || entry.status !== 'loaded' || entry.size_bytes !== f.size || entry.mtime_us !== mtimeMicros(f)) continue;
        const to = path.join(config.dataDir, 'archive', f.path);
        fs.mkdirSync(path.dirname(to), { recursive: true });
        try {
          fs.renameSync(f.absPath, to);
          filesArchived++;
        } catch (error) {
          warnings.push(`could not archive ${f.path}: ${(error as Error).message}`);
        }
      }
    }
    const resultRows = await w.count('SELECT count(*) FROM ecommerce_state');
    const files = result?.files ?? [];
    const sum = (f: (r: FileReport) => number) => files.reduce((a, r) => a + f(r), 0);
    return {
      kind,
      changed: result !== undefined,
      runId: result?.runId ?? null,
      strategy: result?.strategy ?? 'none',
      filesSeen: scan.files.length,
      filesUnchanged: plan.unchanged + plan.touched.length,
      filesIgnored: scan.ignored,
      filesWaiting: waiting.map((f) => f.path),
      files,
      filesWithdrawn: result?.filesWithdrawn ?? 0,
      filesArchived,
      rowsRead: sum((f) => f.rowsRead),
      rowsLoaded: sum((f) => f.rowsLoaded),
      rowsRejected: sum((f) => f.rowsRejected),
      keysChanged: result?.keysChanged ?? 0,
      groupsRecomputed: result?.groupsRecomputed ?? 0,
      groupsUpserted: result?.groupsUpserted ?? 0,
      groupsDeleted: result?.groupsDeleted ?? 0,
      resultRows,
      rebuildReason,
      warnings,
      seconds: (performance.now() - started) / 1000,
    };
  });
}
