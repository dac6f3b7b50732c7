import { DATASETS, fileFormat, type DatasetName } from '../ingest/datasets.js';
import { clearCsvScans, prefetchCsvScan } from '../ingest/prefetchCsvScan.js';
import { removeStaleReadDirs, settleReadDirRemovals } from '../ingest/privateReadDir.js';
import { MAX_LINE_BYTES } from '../ingest/readIncoming.js';
import { readCsvHeader } from '../ingest/readCsvHeader.js';
import { CONCATENATE_MAX_BYTES, stageCsvGroup } from '../ingest/stageCsvGroup.js';
import { stageFile, type StageOutcome } from '../ingest/ingestFile.js';
import type { ProgressReporter } from '../progress/ProgressReporter.js';
import { profileMarks } from '../progress/profileMarks.js';
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
  // Every CSV file's line scan starts now and runs while DuckDB reads the files before it; a small
  // file's is asked for when needed (a group concatenates small files without one, see stageCsvGroup).
  for (const v of versions) {
    if (!v.unreadable && v.file.size > CONCATENATE_MAX_BYTES && fileFormat(DATASETS[v.file.dataset], v.file.absPath) === 'csv') {
      prefetchCsvScan(v.file.absPath, MAX_LINE_BYTES);
    }
  }
  const ids = versions.map(() => fileId++);
  try {
    const grouped = await stageGroups(w, versions, ids, sql, progress);
    for (const [i, v] of versions.entries()) {
      const outcome = grouped.get(ids[i]!);
      staged.push(outcome ? { ...v, fileId: ids[i]!, outcome } : await stageVersion(w, v, ids[i]!, sql, { index: i, count: versions.length }, progress));
    }
  } finally {
    clearCsvScans();
    await settleReadDirRemovals();
  }
  return staged;
}

/**
 * Many files are one read: new CSV files of a dataset whose header lines are
 * identical are staged together (stageCsvGroup), in groups of up to
 * GROUP_FILES; what a group leaves out is staged file by file. Returns the
 * outcomes by file id.
 */
async function stageGroups(
  w: Warehouse,
  versions: NewVersion[],
  ids: number[],
  sql: SqlSnapshot,
  progress?: ProgressReporter,
): Promise<Map<number, StagedVersion['outcome']>> {
  const mark = profileMarks('stage');
  const byHeader = new Map<string, { dataset: DatasetName; columns: string[]; members: { fileId: number; path: string; absPath: string; size: number }[] }>();
  // Header lines, 32 files at a time (a file that cannot be read is left to the per-file path).
  const headers: (string[] | undefined)[] = [];
  for (let from = 0; from < versions.length; from += 32) {
    headers.push(
      ...(await Promise.all(
        versions.slice(from, from + 32).map((v) =>
          !v.unreadable && fileFormat(DATASETS[v.file.dataset], v.file.absPath) === 'csv'
            ? readCsvHeader(v.file.absPath, v.head).catch(() => undefined)
            : Promise.resolve(undefined),
        ),
      )),
    );
  }
  versions.forEach((v, i) => {
    const columns = headers[i];
    if (!columns || columns.length === 0) return;
    const key = JSON.stringify([v.file.dataset, columns]);
    let group = byHeader.get(key);
    if (!group) byHeader.set(key, (group = { dataset: v.file.dataset, columns, members: [] }));
    group.members.push({ fileId: ids[i]!, path: v.file.path, absPath: v.file.absPath, size: v.file.size });
  });
  mark(`header lines of ${versions.length} files`);
  const outcomes = new Map<number, StagedVersion['outcome']>();
  let groupId = 0;
  for (const { dataset, columns, members } of byHeader.values()) {
    for (let from = 0; from + 1 < members.length; from += GROUP_FILES) {
      const part = members.slice(from, from + GROUP_FILES);
      if (part.length < 2) continue;
      const spec = DATASETS[dataset];
      const total = part.reduce((a, m) => a + m.size, 0);
      const stage = { name: `read ${part.length} ${dataset} files as one`, total, unit: 'bytes' as const };
      const { staged } = await withQueryProgress(w.connection, progress, stage, () => stageCsvGroup(w, spec, sql, columns, part, groupId++));
      for (const [id, outcome] of staged) outcomes.set(id, outcome);
    }
  }
  return outcomes;
}

/** Files per group read: bounds the staged temp table and the read's file list. */
const GROUP_FILES = 2000;

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
