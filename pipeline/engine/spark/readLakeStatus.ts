import { pinCommitted } from './pinCommitted.js';
import type { SparkLake } from './SparkLake.js';

export interface LakeStatus {
  engine: 'spark';
  lake: string;
  /** The last committed run (the version readers and the export see). */
  version: number | null;
  result_rows: number;
  window: string | null;
  datasets: { dataset: string; files_loaded: number; files_quarantined: number; rows_loaded: number; rows_rejected: number }[];
  files: { path: string; status: string; reason: string | null }[];
  runs: { run_id: number; kind: string; strategy: string; files_new: number; rows_loaded: number; groups_upserted: number; groups_deleted: number }[];
}

/** What `status --engine spark` shows, read as of the last committed run. */
export async function readLakeStatus(l: SparkLake): Promise<LakeStatus> {
  const commit = await pinCommitted(l);
  const num = (v: unknown) => Number(v ?? 0);
  const datasets = await l.all(`
    SELECT dataset, count_if(status = 'loaded') AS files_loaded, count_if(status = 'quarantined') AS files_quarantined,
           sum(CASE WHEN status = 'loaded' THEN rows_loaded ELSE 0 END) AS rows_loaded,
           sum(CASE WHEN status = 'loaded' THEN rows_rejected ELSE 0 END) AS rows_rejected
    FROM pipeline_files GROUP BY dataset ORDER BY dataset`);
  const files = await l.all(`SELECT path, status, reason FROM pipeline_files ORDER BY file_id`);
  const runs = await l.all(`
    SELECT run_id, kind, strategy, files_new, rows_loaded, groups_upserted, groups_deleted
    FROM pipeline_runs ORDER BY run_id DESC LIMIT 5`);
  const win = await l.one<{ value: string }>(`SELECT value FROM pipeline_settings WHERE key = 'window'`);
  return {
    engine: 'spark',
    lake: l.lake,
    version: commit ? commit.runId : null,
    result_rows: await l.count('SELECT count(*) FROM ecommerce_state'),
    window: win?.value ?? null,
    datasets: datasets.map((d) => ({
      dataset: String(d.dataset), files_loaded: num(d.files_loaded), files_quarantined: num(d.files_quarantined),
      rows_loaded: num(d.rows_loaded), rows_rejected: num(d.rows_rejected),
    })),
    files: files.map((f) => ({ path: String(f.path), status: String(f.status), reason: f.reason === null ? null : String(f.reason) })),
    runs: runs.map((r) => ({
      run_id: num(r.run_id), kind: String(r.kind), strategy: String(r.strategy), files_new: num(r.files_new),
      rows_loaded: num(r.rows_loaded), groups_upserted: num(r.groups_upserted), groups_deleted: num(r.groups_deleted),
    })),
  };
}
