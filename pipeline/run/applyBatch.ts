import { duckdbSteps } from '../engine/duckdbSteps.js';
import type { DatasetName } from '../ingest/datasets.js';
import type { StageOutcome } from '../ingest/ingestFile.js';
import type { GroupedOutcome } from '../ingest/stageCsvGroup.js';
import type { ProgressReporter } from '../progress/ProgressReporter.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { collectChangedKeys } from './collectChangedKeys.js';
import { crashPoint } from './crashPoint.js';
import { isFirstBuild, markFirstBuild, unmarkFirstBuild } from './firstBuild.js';
import { nextId } from './ledger.js';
import { loadStagedVersions } from './loadStagedVersions.js';
import type { NewVersion } from './planBatch.js';
import { recomputeResult } from './recomputeResult.js';
import { recordRun } from './recordRun.js';
import { runStep } from './runStep.js';
import { setRunVariables } from './setRunVariables.js';
import { markWithdrawn, withdrawnVersions } from './withdrawnVersions.js';

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
  outcome: StageOutcome | GroupedOutcome;
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
export const FULL_RECOMPUTE_SHARE = 0.3;

/**
 * One run's work on the warehouse; the caller wraps it in a transaction so the
 * ledger, raw tables, keyed state, ecommerce, versions and tombstones change
 * together or not at all. TypeScript decides the order and which steps run;
 * the steps themselves are the SQL files under sql/ (see sql/README.md).
 */
export async function applyBatch(w: Warehouse, input: BatchInput): Promise<BatchResult> {
  const runId = await nextId(w, 'pipeline_runs', 'run_id');
  const steps = duckdbSteps(w, input.progress);
  const stateRows = await w.count('SELECT (SELECT count(*) FROM cur_orders) + (SELECT count(*) FROM cur_deliveries)');
  // Nothing to be incremental against, or asked to redo everything: skip collecting keys.
  const fullFromStart = input.forceFull || stateRows === 0;
  await setRunVariables(w, { windowSize: input.window, runId, fullRecompute: fullFromStart });

  const withdrawn = withdrawnVersions(input);
  await markWithdrawn(w, withdrawn, runId);
  // A rebuild repairs what the ledger does not account for (rows of a ledger entry deleted by hand).
  if (input.kind === 'rebuild') await runStep(w, input.sql, 'batch/drop_unledgered_rows.sql');
  // A first build commits raw rows, keyed state and result as they are done (firstBuild.ts).
  const inParts = input.kind === 'run' && withdrawn.size === 0 && (await isFirstBuild(w));
  if (inParts) await markFirstBuild(w, runId);
  const files = await loadStagedVersions(w, input.newVersions, runId, input.sql);
  if (inParts) await w.commitPart();
  crashPoint('after-ingest');

  const loaded = files.filter((f) => f.status === 'loaded').map((f) => f.fileId);
  const keysChanged = await collectChangedKeys(steps, input.sql, { loaded, withdrawn: [...withdrawn.keys()] });
  const full = fullFromStart || keysChanged > (input.fullRecomputeShare ?? FULL_RECOMPUTE_SHARE) * stateRows;
  // Only files added: the changed keys' latest rows are in them (zone maps skip older raw rows).
  await setRunVariables(w, { rowsSinceFileId: withdrawn.size === 0 && loaded.length > 0 ? Math.min(...loaded) : 0 });
  const change = await recomputeResult(steps, {
    sql: input.sql, full, withdraws: withdrawn.size > 0, keysChanged,
    afterKeyedState: inParts ? () => w.commitPart() : undefined,
  });
  if (inParts) {
    await w.commitPart(); // the audits then read the result committed, with every thread
    crashPoint('after-result');
    await unmarkFirstBuild(w);
  }

  const filesWithdrawn = withdrawn.size;
  await recordRun(w, { runId, input, files, filesWithdrawn, keysChanged, change, full });
  return { runId, strategy: full ? 'full' : 'incremental', files, filesWithdrawn, keysChanged, ...change };
}
