import { DATASETS } from '../ingest/datasets.js';
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
  let fileId = await nextId(w, 'pipeline_files', 'file_id');
  const staged: StagedVersion[] = [];
  for (const v of versions) {
    const id = fileId++;
    const spec = DATASETS[v.file.dataset];
    const stage = { name: `read ${v.file.path} (${staged.length + 1}/${versions.length})`, total: v.file.size, unit: 'bytes' as const };
    const outcome: StageOutcome = v.unreadable
      ? { status: 'quarantined', rowsRead: 0, reason: v.unreadable }
      : await withQueryProgress(w.connection, progress, stage, () =>
          stageFile(w, { fileId: id, runId: 0, path: v.file.path, absPath: v.file.absPath, spec, sql }),
        );
    staged.push({ ...v, fileId: id, outcome });
  }
  return staged;
}
