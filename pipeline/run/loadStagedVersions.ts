import { DATASETS } from '../ingest/datasets.js';
import { addColumns, addStagedColumns, loadStagedFile } from '../ingest/ingestFile.js';
import { groupColumns, loadCsvGroup, type CsvGroup } from '../ingest/stageCsvGroup.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import { bindColumns } from '../warehouse/bindColumns.js';
import { duckdb } from '../warehouse/duckdbApi.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import type { FileReport, StagedVersion } from './applyBatch.js';
import { mtimeMicros } from './planBatch.js';

function fileReport(v: StagedVersion): FileReport {
  const { outcome } = v;
  const base = { path: v.file.path, dataset: v.file.dataset, fileId: v.fileId, rowsRead: outcome.rowsRead };
  const report: FileReport =
    outcome.status === 'loaded' || outcome.status === 'grouped'
      ? { ...base, status: 'loaded', rowsLoaded: outcome.rowsLoaded, rowsRejected: outcome.rowsRejected }
      : { ...base, status: 'quarantined', rowsLoaded: 0, rowsRejected: 0, reason: outcome.reason };
  if (v.duplicateOf) report.duplicateOf = v.duplicateOf;
  if (v.previous) report.replaced = v.previous.file_id;
  return report;
}

/** The ledger rows of new file versions, in file-id order: one statement, every value bound (bindColumns). */
async function recordLedgerRows(w: Warehouse, rows: { v: StagedVersion; report: FileReport }[], runId: number): Promise<void> {
  if (rows.length === 0) return;
  const { values, types } = bindColumns([
    { type: 'INTEGER', values: rows.map(({ v }) => v.fileId) },
    { type: 'VARCHAR', values: rows.map(({ v }) => v.file.path) },
    { type: 'VARCHAR', values: rows.map(({ report }) => report.dataset) },
    { type: 'VARCHAR', values: rows.map(({ v }) => v.hash) },
    { type: 'BIGINT', values: rows.map(({ v }) => v.file.size) },
    { type: 'BIGINT', values: rows.map(({ v }) => mtimeMicros(v.file)) },
    { type: 'VARCHAR', values: rows.map(({ report }) => report.status) },
    { type: 'BIGINT', values: rows.map(({ report }) => report.rowsRead) },
    { type: 'BIGINT', values: rows.map(({ report }) => report.rowsLoaded) },
    { type: 'BIGINT', values: rows.map(({ report }) => report.rowsRejected) },
    { type: 'VARCHAR', values: rows.map(({ report }) => report.reason ?? null) },
    { type: 'VARCHAR', values: rows.map(({ report }) => report.duplicateOf ?? null) },
  ]);
  // one statement for the whole batch, each column a bound list (bindColumns)
  await w.run(
    `INSERT INTO pipeline_files
     SELECT unnest($1), unnest($2), unnest($3), unnest($4), unnest($5), make_timestamp(unnest($6)), unnest($7),
            unnest($8), unnest($9), unnest($10), unnest($11), unnest($12), $13, NULL`,
    [...values, runId],
    [...types, duckdb().INTEGER],
  );
}

/**
 * Step "ingest" inside the transaction: the staged rows of each new file
 * version go into its raw table (and rejects into pipeline_rejects), in arrival
 * order, and each version gets its ledger row.
 */
export async function loadStagedVersions(w: Warehouse, versions: StagedVersion[], runId: number, sql: SqlSnapshot): Promise<FileReport[]> {
  const reports = versions.map(fileReport);
  // New columns first, for every file, then the rows (see addStagedColumns). A
  // group's columns are its first member's (the others have the same header).
  const groups = new Map<CsvGroup, string[]>();
  for (const [i, v] of versions.entries()) {
    const spec = DATASETS[v.file.dataset];
    if (v.outcome.status === 'loaded') reports[i]!.columnsAdded = await addStagedColumns(w, spec, v.outcome);
    else if (v.outcome.status === 'grouped') {
      const { group } = v.outcome;
      if (groups.has(group)) reports[i]!.columnsAdded = [];
      else {
        const columns = await groupColumns(w, group);
        groups.set(group, columns);
        reports[i]!.columnsAdded = await addColumns(w, spec.rawTable, columns);
      }
    }
  }
  // Raw rows carry their order in the file (_row): the insert need not keep it.
  await w.run('SET preserve_insertion_order = false');
  try {
    for (const v of versions) {
      const spec = DATASETS[v.file.dataset];
      if (v.outcome.status === 'loaded') {
        await loadStagedFile(w, { fileId: v.fileId, runId, path: v.file.path, absPath: v.file.absPath, spec, sql }, v.outcome);
      } else if (v.outcome.status === 'grouped' && !v.outcome.group.loaded) {
        await loadCsvGroup(w, spec, v.outcome.group, groups.get(v.outcome.group)!, runId);
      }
    }
    await recordLedgerRows(w, versions.map((v, i) => ({ v, report: reports[i]! })), runId);
  } finally {
    await w.run('SET preserve_insertion_order = true');
  }
  return reports;
}
