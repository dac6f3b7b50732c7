import { DATASET_LIST, DATASETS, type DatasetName } from '../ingest/datasets.js';
import { loadStagedFile, type StageOutcome } from '../ingest/ingestFile.js';
import { collectAffectedGroups, recomputeMetrics, type MetricsChange } from '../transform/recomputeMetrics.js';
import { refreshKeyedState } from '../transform/refreshKeyedState.js';
import type { ProgressReporter } from '../progress/ProgressReporter.js';
import { withQueryProgress } from '../progress/withQueryProgress.js';
import { quotedString } from '@duckdb/node-api';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { crashPoint } from './crashPoint.js';
import { nextId } from './ledger.js';
import { mtimeMicros, type NewVersion } from './planBatch.js';

export interface FileReport {
  path: string;
  dataset: DatasetName;
  fileId: number;
  status: 'loaded' | 'quarantined';
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  reason?: string;
  duplicateOf?: string;
  replaced?: number;
  columnsAdded?: string[];
}

/** A new file version already read and staged (outside the transaction). */
export interface StagedVersion extends NewVersion {
  fileId: number;
  outcome: StageOutcome;
}

export interface BatchInput {
  kind: 'run' | 'rebuild' | 'retract';
  /** The SQL files this run executes (read once, recorded with their checksums). */
  sql: SqlSnapshot;
  window: string;
  newVersions: StagedVersion[];
  /** Extra files to withdraw (retract), with the status to give them. */
  withdraw: { fileId: number; status: 'retracted'; reason: string }[];
  /** Recompute everything from the raw tables instead of only what changed. */
  forceFull: boolean;
  /** Share of changed keys above which a full recompute is used (default 0.3). */
  fullRecomputeShare?: number;
  note?: string;
  /** When the run started (before reading files), for pipeline_runs. */
  startedAt?: Date;
  /** Progress of the keyed-state and metrics stages (terminal only). */
  progress?: ProgressReporter;
}

export interface BatchResult {
  runId: number;
  strategy: 'incremental' | 'full';
  files: FileReport[];
  filesWithdrawn: number;
  keysChanged: number;
  groupsRecomputed: number;
  groupsUpserted: number;
  groupsDeleted: number;
}

/** Above this share of changed keys a full recompute is cheaper than the incremental path. */
const FULL_RECOMPUTE_SHARE = 0.3;

/**
 * One run's work on the warehouse; the caller wraps it in a transaction so the
 * ledger, raw tables, keyed state, ecommerce, versions and tombstones change
 * together or not at all.
 */
export async function applyBatch(w: Warehouse, input: BatchInput): Promise<BatchResult> {
  const started = (input.startedAt ?? new Date()).toISOString();
  const runId = await nextId(w, 'pipeline_runs', 'run_id');
  const stateRows = await w.count('SELECT (SELECT count(*) FROM cur_orders) + (SELECT count(*) FROM cur_deliveries)');
  // Nothing to be incremental against, or asked to redo everything: skip collecting keys.
  const fullFromStart = input.forceFull || stateRows === 0;
  for (const spec of DATASET_LIST) {
    const keyType = spec.key === 'Customer_ID' ? 'INTEGER' : 'BIGINT';
    await w.run(`CREATE OR REPLACE TEMP TABLE ${spec.changedKeys} (key ${keyType})`);
  }
  await w.run('CREATE OR REPLACE TEMP TABLE affected_groups (Customer_ID INTEGER, start_timestamp TIMESTAMP)');

  // 1. Files withdrawn by this batch: previous versions of rewritten paths, and retractions.
  const withdrawn = new Map<number, { status: string; reason: string }>();
  for (const v of input.newVersions) {
    if (v.previous?.status === 'loaded') {
      withdrawn.set(v.previous.file_id, { status: 'superseded', reason: `replaced by a new version of ${v.file.path}` });
    }
  }
  for (const x of input.withdraw) withdrawn.set(x.fileId, { status: x.status, reason: x.reason });
  const withdrawnIds = [...withdrawn.keys()];
  if (withdrawnIds.length > 0 && !fullFromStart) {
    const idList = withdrawnIds.join(', ');
    for (const spec of DATASET_LIST) {
      await w.run(`INSERT INTO ${spec.changedKeys} SELECT DISTINCT ${spec.key} FROM ${spec.rawTable} WHERE _file_id IN (${idList})`);
    }
  }
  if (withdrawnIds.length > 0) {
    for (const [id, x] of withdrawn) {
      await w.run(`UPDATE pipeline_files SET status = $1, reason = $2, withdrawn_run_id = $3 WHERE file_id = $4`, [
        x.status,
        x.reason,
        runId,
        id,
      ]);
    }
  }

  // 2. Ingest new file versions in arrival order (mtime, then path).
  const files: FileReport[] = [];
  for (const v of input.newVersions) {
    const spec = DATASETS[v.file.dataset];
    const id = v.fileId;
    const { outcome } = v;
    const report: FileReport =
      outcome.status === 'loaded'
        ? { path: v.file.path, dataset: spec.name, fileId: id, status: 'loaded', rowsRead: outcome.rowsRead,
            rowsLoaded: outcome.rowsLoaded, rowsRejected: outcome.rowsRejected }
        : { path: v.file.path, dataset: spec.name, fileId: id, status: 'quarantined', rowsRead: outcome.rowsRead,
            rowsLoaded: 0, rowsRejected: 0, reason: outcome.reason };
    if (outcome.status === 'loaded') {
      report.columnsAdded = await loadStagedFile(w, { fileId: id, runId, path: v.file.path, absPath: v.file.absPath, spec, sql: input.sql }, outcome);
    }
    if (v.duplicateOf) report.duplicateOf = v.duplicateOf;
    if (v.previous) report.replaced = v.previous.file_id;
    files.push(report);
    await w.run(
      `INSERT INTO pipeline_files VALUES ($id, $path, $dataset, $hash, $size, make_timestamp($mtime::BIGINT), $status,
         $read, $loaded, $rejected, $reason, $dup, $run, NULL)`,
      {
        id, path: v.file.path, dataset: spec.name, hash: v.hash, size: v.file.size, mtime: mtimeMicros(v.file),
        status: report.status, read: report.rowsRead, loaded: report.rowsLoaded, rejected: report.rowsRejected,
        reason: report.reason ?? null, dup: report.duplicateOf ?? null, run: runId,
      },
    );
    if (outcome.status === 'loaded' && !fullFromStart) {
      await w.run(`INSERT INTO ${spec.changedKeys} SELECT DISTINCT ${spec.key} FROM ${spec.rawTable} WHERE _file_id = ${id}`);
    }
  }

  crashPoint('after-ingest');

  // 3. Decide: only the touched keys, or everything.
  let keysChanged = 0;
  for (const spec of DATASET_LIST) {
    await w.run(`CREATE OR REPLACE TEMP TABLE ${spec.changedKeys} AS SELECT DISTINCT key FROM ${spec.changedKeys}`);
    keysChanged += await w.count(`SELECT count(*) FROM ${spec.changedKeys}`);
  }
  const full = fullFromStart || keysChanged > (input.fullRecomputeShare ?? FULL_RECOMPUTE_SHARE) * stateRows;
  const window = input.window;

  if (!full) await collectAffectedGroups(w, input.sql, window); // groups as they were
  if (withdrawnIds.length > 0) {
    for (const spec of DATASET_LIST) {
      // The rows go; their lineage stays (explain reports them as withdrawn).
      await w.run(
        `INSERT INTO pipeline_withdrawn_rows
         SELECT ${quotedString(spec.name)}, ${spec.key}, _file_id, _row, _line, ${runId}
         FROM ${spec.rawTable} WHERE _file_id IN (${withdrawnIds.join(', ')})`,
      );
      await w.run(`DELETE FROM ${spec.rawTable} WHERE _file_id IN (${withdrawnIds.join(', ')})`);
    }
  }
  // Row order matters only while staging files (rowid = order in the file);
  // the set-based steps below run freer without it.
  await w.run('SET preserve_insertion_order = false');
  let change: MetricsChange;
  try {
    // Only files added (nothing withdrawn): the changed keys' latest rows are in the new files.
    const firstNewFileId: Partial<Record<DatasetName, number>> = {};
    for (const f of files) {
      if (f.status === 'loaded') firstNewFileId[f.dataset] = Math.min(firstNewFileId[f.dataset] ?? f.fileId, f.fileId);
    }
    const onlyNew = withdrawnIds.length === 0 ? firstNewFileId : undefined;
    await withQueryProgress(w.connection, input.progress, { name: 'keyed state' }, () => refreshKeyedState(w, input.sql, full, onlyNew));
    if (!full) await collectAffectedGroups(w, input.sql, window); // groups as they are now
    change =
      full || keysChanged > 0
        ? await withQueryProgress(w.connection, input.progress, { name: 'metrics' }, () =>
            recomputeMetrics(w, { sql: input.sql, window, version: runId, full }),
          )
        : { groupsRecomputed: 0, groupsUpserted: 0, groupsDeleted: 0 };
  } finally {
    await w.run('SET preserve_insertion_order = true');
  }

  const sum = (f: (r: FileReport) => number) => files.reduce((a, r) => a + f(r), 0);
  await w.run(
    `INSERT INTO pipeline_runs VALUES ($run, $kind, $started::TIMESTAMP, now()::TIMESTAMP, $new, $loaded, $quar, $withdrawn,
       $read, $rowsLoaded, $rejected, $keys, $recomputed, $upserted, $deleted, $strategy, $note)`,
    {
      run: runId, kind: input.kind, started, new: files.length,
      loaded: files.filter((f) => f.status === 'loaded').length,
      quar: files.filter((f) => f.status === 'quarantined').length, withdrawn: withdrawnIds.length,
      read: sum((f) => f.rowsRead), rowsLoaded: sum((f) => f.rowsLoaded), rejected: sum((f) => f.rowsRejected),
      keys: keysChanged, recomputed: change.groupsRecomputed, upserted: change.groupsUpserted,
      deleted: change.groupsDeleted, strategy: full ? 'full' : 'incremental', note: input.note ?? null,
    },
  );
  await w.run(`DELETE FROM pipeline_settings WHERE key = 'window'`);
  await w.run(`INSERT INTO pipeline_settings VALUES ('window', ${quotedString(window)})`);
  return {
    runId,
    strategy: full ? 'full' : 'incremental',
    files,
    filesWithdrawn: withdrawnIds.length,
    keysChanged,
    ...change,
  };
}
