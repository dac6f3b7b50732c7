import { PipelineError } from '../errors/PipelineError.js';
import type { Warehouse } from '../warehouse/Warehouse.js';

/**
 * The window size the warehouse was built with (e.g. '10 days'). Also checks
 * that the warehouse has the lineage tables explain reads (migration V002).
 */
export async function readWindowSetting(w: Warehouse): Promise<string> {
  const lineage = await w.count(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'pipeline_withdrawn_rows'`);
  if (lineage === 0) {
    throw new PipelineError('USAGE', 'this warehouse predates lineage (migration V002): run `pipeline run` once to upgrade it');
  }
  const row = await w.one<{ value: string }>(`SELECT value FROM pipeline_settings WHERE key = 'window'`);
  if (!row) throw new PipelineError('NOT_FOUND', 'the warehouse has no result yet: run `pipeline run` first');
  return row.value;
}
