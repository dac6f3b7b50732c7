import { DATASETS, fileFormat } from '../ingest/datasets.js';
import { clearCsvScans, prefetchCsvScan } from '../ingest/prefetchCsvScan.js';
import { removeStaleReadDirs } from '../ingest/privateReadDir.js';
import { MAX_LINE_BYTES } from '../ingest/readIncoming.js';
import { stageFile, type StageOutcome } from '../ingest/ingestFile.js';
import type { ProgressReporter } from '../progress/ProgressReporter.js';
import { withQueryProgress } from '../progress/withQueryProgress.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import type { StagedVersion } from './applyBatch.js';
import { nextId } from './ledger.js';
import type { NewVersion } from './planBatch.js';

/**
 * Step "stage": reads each new file version once through its staging SQL
 * (sql/staging/), outside the transaction, so a file that fails to read is
 * quarantined without aborting the run.
 */
export async function stageNewVersions(
  w: Warehouse,
  versions: NewVersion[],
  sql: SqlSnapshot,
  progress?: ProgressReporter,
): Promise<StagedVersion[]> {
  // Read folders a killed run (kill -9) left in the temp dir.
  removeStaleReadDirs();
  let fileId = await nextId(w, 'pipeline_files', 'file_id');
  const staged: StagedVersion[] = [];
  // Every CSV file's line scan starts now and runs while DuckDB reads the files before it.
  for (const v of versions) {
    if (!v.unreadable && fileFormat(DATASETS[v.file.dataset], v.file.absPath) === 'csv') prefetchCsvScan(v.file.absPath, MAX_LINE_BYTES);
  }
  try {
    for (const [i, v] of versions.entries()) {
      staged.push(await stageVersion(w, v, fileId++, sql, { index: i, count: versions.length }, progress));
    }
  } finally {
    clearCsvScans();
  }
  return staged;
}

async function stageVersion(
  w: Warehouse,
  v: NewVersion,
  id: number,
  sql: SqlSnapshot,
  position: { index: number; count: number },
  progress?: ProgressReporter,
): Promise<StagedVersion> {
  const spec = DATASETS[v.file.dataset];
  const stage = { name: `read ${v.file.path} (${position.index + 1}/${position.count})`, total: v.file.size, unit: 'bytes' as const };
  const outcome: StageOutcome = v.unreadable
    ? { status: 'quarantined', rowsRead: 0, reason: v.unreadable }
    : await withQueryProgress(w.connection, progress, stage, () =>
        stageFile(w, { fileId: id, runId: 0, path: v.file.path, absPath: v.file.absPath, spec, sql }),
      );
  return { ...v, fileId: id, outcome };
}
