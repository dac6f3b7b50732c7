import type { PipelineConfig } from '../config/loadConfig.js';
import type { WarehouseOptions } from './Warehouse.js';

export interface WarehouseOpenIntent {
  /** Open read-only (status, check, report, sql without --write). Default read-write. */
  readOnly?: boolean;
  /** Where the "waiting for the warehouse" message goes. Default: stderr. */
  onWait?: (message: string) => void;
  /** Open a warehouse holding an unfinished first build: only run (undoes it) and status (reports it). */
  allowInterruptedFirstBuild?: boolean;
}

/**
 * The one place that decides how every command opens the warehouse: its path,
 * the DuckDB threads and memory limit, and how long to wait while another
 * process (a watch batch, a run, an export) holds the file —
 * `--wait` / PIPELINE_WAIT seconds, default 60; 0 fails at once with
 * WAREHOUSE_LOCKED.
 */
export function warehouseOptions(config: PipelineConfig, intent: WarehouseOpenIntent = {}): WarehouseOptions {
  return {
    path: config.warehousePath,
    threads: config.threads,
    memoryLimit: config.memoryLimit,
    readOnly: intent.readOnly,
    lockWaitMs: config.waitSeconds * 1000,
    onWait: intent.onWait ?? ((message) => process.stderr.write(`${message}\n`)),
    allowInterruptedFirstBuild: intent.allowInterruptedFirstBuild,
  };
}
