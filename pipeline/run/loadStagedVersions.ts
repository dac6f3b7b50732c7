import { DATASETS } from '../ingest/datasets.js';
import { addStagedColumns, loadStagedFile } from '../ingest/ingestFile.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import type { FileReport, StagedVersion } from './applyBatch.js';
import { mtimeMicros } from './planBatch.js';

function fileReport(v: StagedVersion): FileReport {
  const { outcome } = v;
  const base = { path: v.file.path, dataset: v.file.dataset, fileId: v.fileId, rowsRead: outcome.rowsRead };
  const report: FileReport =
    outcome.status === 'loaded'
      ? { ...base, status: 'loaded', rowsLoaded: outcome.rowsLoaded, rowsRejected: outcome.rowsRejected }
      : { ...base, status: 'quarantined', rowsLoaded: 0, rowsRejected: 0, reason: outcome.reason };
  if (v.duplicateOf) report.duplicateOf = v.duplicateOf;
  if (v.previous) report.replaced = v.previous.file_id;
  return report;
}

async function recordLedgerRow(w: Warehouse, v: StagedVersion, report: FileReport, runId: number): Promise<void> {
  await w.run(
    `INSERT INTO pipeline_files VALUES ($id, $path, $dataset, $hash, $size, make_timestamp($mtime::BIGINT), $status,
       $read, $loaded, $rejected, $reason, $dup, $run, NULL)`,
    {
      id: v.fileId, path: v.file.path, dataset: report.dataset, hash: v.hash, size: v.file.size, mtime: mtimeMicros(v.file),
      status: report.status, read: report.rowsRead, loaded: report.rowsLoaded, rejected: report.rowsRejected,
      reason: report.reason ?? null, dup: report.duplicateOf ?? null, run: runId,
    },
  );
}

/**
 * Step "ingest" inside the transaction: the staged rows of each new file
 * version go into its raw table (and rejects into pipeline_rejects), in arrival
 * order, and each version gets its ledger row.
 */
export async function loadStagedVersions(w: Warehouse, versions: StagedVersion[], runId: number, sql: SqlSnapshot): Promise<FileReport[]> {
  const reports = versions.map(fileReport);
  // New columns first, for every file, then the rows (see addStagedColumns).
  for (const [i, v] of versions.entries()) {
    if (v.outcome.status === 'loaded') reports[i]!.columnsAdded = await addStagedColumns(w, DATASETS[v.file.dataset], v.outcome);
  }
  // Raw rows carry their order in the file (_row): the insert need not keep it.
  await w.run('SET preserve_insertion_order = false');
  try {
    for (const [i, v] of versions.entries()) {
      if (v.outcome.status === 'loaded') {
        const spec = DATASETS[v.file.dataset];
        await loadStagedFile(w, { fileId: v.fileId, runId, path: v.file.path, absPath: v.file.absPath, spec, sql }, v.outcome);
      }
      await recordLedgerRow(w, v, reports[i]!, runId);
    }
  } finally {
    await w.run('SET preserve_insertion_order = true');
  }
  return reports;
}
