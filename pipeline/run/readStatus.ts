import { plainValue } from '../shell/formatRows.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { interruptedFirstBuild } from './firstBuild.js';

export interface StatusFile {
  path: string;
  dataset: string;
  status: string;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  reason: string | null;
  file_id: number;
  duplicate_of: string | null;
}

export interface StatusReport {
  files: StatusFile[];
  datasets: { dataset: string; files_loaded: number; files_quarantined: number; rows_loaded: number; rows_rejected: number }[];
  runs: Record<string, unknown>[];
  version: number;
  result_rows: number;
  window: string | null;
  sql_files: { name: string; kind: string; checksum: string }[];
  /** Run id of a first build killed between its parts (firstBuild.ts): its files are not loaded; the next run undoes and redoes it. */
  interrupted_first_build: number | null;
}

function plainRows<T>(rows: Record<string, unknown>[]): T[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plainValue(v)])) as T);
}

/** Everything `status` shows, read from the warehouse. */
export async function readStatus(w: Warehouse, lastRuns = 10): Promise<StatusReport> {
  const files = plainRows<StatusFile>(
    await w.all(`
      SELECT path, dataset, status, rows_read, rows_loaded, rows_rejected, reason, file_id, duplicate_of
      FROM pipeline_files
      QUALIFY row_number() OVER (PARTITION BY path ORDER BY file_id DESC) = 1
      ORDER BY file_id`),
  );
  const datasets = plainRows<StatusReport['datasets'][number]>(
    await w.all(`
      SELECT dataset,
             count(*) FILTER (WHERE status = 'loaded')      AS files_loaded,
             count(*) FILTER (WHERE status = 'quarantined') AS files_quarantined,
             coalesce(sum(rows_loaded) FILTER (WHERE status = 'loaded'), 0)   AS rows_loaded,
             coalesce(sum(rows_rejected) FILTER (WHERE status = 'loaded'), 0) AS rows_rejected
      FROM pipeline_files
      WHERE status IN ('loaded', 'quarantined')
      GROUP BY dataset ORDER BY dataset`),
  );
  const runs = plainRows<Record<string, unknown>>(
    await w.all(`SELECT * FROM pipeline_runs ORDER BY run_id DESC LIMIT ${lastRuns}`),
  );
  const version = Number((await w.one<{ v: bigint | null }>('SELECT max(run_id) AS v FROM pipeline_runs'))?.v ?? 0);
  const interrupted = (await interruptedFirstBuild(w)) ?? null;
  // what an unfinished first build recorded is undone by the next run: not reported as loaded
  const loaded = interrupted === null;
  const resultRows = loaded ? await w.count('SELECT count(*) FROM ecommerce_state') : 0;
  const win = await w.one<{ value: string }>(`SELECT value FROM pipeline_settings WHERE key = 'window'`);
  const sqlFiles = plainRows<StatusReport['sql_files'][number]>(
    await w.all('SELECT name, kind, checksum FROM pipeline_sql_files ORDER BY kind, name'),
  );
  return {
    files: loaded ? files : [], datasets: loaded ? datasets : [], runs, version, result_rows: resultRows,
    window: win?.value ?? null, sql_files: sqlFiles, interrupted_first_build: interrupted,
  };
}
