import type { PipelineConfig } from '../config/loadConfig.js';
import { PipelineError } from '../errors/PipelineError.js';
import { withWarehouse } from '../warehouse/Warehouse.js';
import { walBytes } from '../warehouse/walBytes.js';
import { warehouseOptions } from '../warehouse/warehouseOptions.js';

export interface KeptWalCheckpoint {
  /** Size of the write-ahead log that was folded into the warehouse file. */
  walBytes: number;
  seconds: number;
}

/**
 * Folds a kept write-ahead log into the warehouse file (CHECKPOINT). A run
 * keeps a small WAL at close instead of checkpointing inside its own time
 * (Warehouse.closeAfterWork); every later open replays it (about 0.1-0.3 s at
 * 10M orders, and more as runs add to it) until something checkpoints. `watch`
 * calls this when it is idle, so the next batch, `status`, `sql` and the
 * dashboards' readers open a warehouse with nothing to replay. Never waits:
 * when another process has the warehouse, it returns undefined and the next
 * idle moment tries again; also undefined when there is no WAL.
 */
export async function checkpointKeptWal(config: PipelineConfig): Promise<KeptWalCheckpoint | undefined> {
  const wal = walBytes(config.warehousePath);
  if (wal === 0) return undefined;
  const started = performance.now();
  try {
    await withWarehouse({ ...warehouseOptions(config, { allowInterruptedFirstBuild: true }), lockWaitMs: 0 }, (w) => w.run('CHECKPOINT'));
  } catch (error) {
    if (error instanceof PipelineError && error.code === 'WAREHOUSE_LOCKED') return undefined;
    throw error;
  }
  return { walBytes: wal, seconds: (performance.now() - started) / 1000 };
}
