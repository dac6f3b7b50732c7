import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type PipelineConfig } from '../../pipeline/config/loadConfig.js';
import { runPipeline } from '../../pipeline/run/runPipeline.js';
import { plainValue } from '../../pipeline/shell/formatRows.js';
import { withWarehouse } from '../../pipeline/warehouse/Warehouse.js';
import { ECOMMERCE_ORDERED } from './fixtures.js';

export async function readEcommerce(warehousePath: string): Promise<Record<string, unknown>[]> {
  return withWarehouse({ path: warehousePath, readOnly: true }, async (w) =>
    (await w.all(ECOMMERCE_ORDERED)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plainValue(v)]))),
  );
}

/** `rebuild` on a copy of the warehouse (so the incremental one goes on untouched); returns its ecommerce. */
export async function rebuildCopy(config: PipelineConfig, scratchDir: string): Promise<Record<string, unknown>[]> {
  fs.rmSync(scratchDir, { recursive: true, force: true });
  fs.mkdirSync(scratchDir, { recursive: true });
  const copy = path.join(scratchDir, 'copy.duckdb');
  fs.copyFileSync(config.warehousePath, copy);
  if (fs.existsSync(`${config.warehousePath}.wal`)) fs.copyFileSync(`${config.warehousePath}.wal`, `${copy}.wal`);
  await runPipeline({ ...config, warehousePath: copy }, { rebuild: true });
  return readEcommerce(copy);
}

/** A from-scratch run on a fresh warehouse over the given data dir; returns its ecommerce. */
export async function fromScratch(dataDir: string, scratchDir: string, window?: string): Promise<Record<string, unknown>[]> {
  const warehouse = path.join(scratchDir, 'scratch.duckdb');
  fs.rmSync(warehouse, { force: true });
  fs.rmSync(`${warehouse}.wal`, { force: true });
  const config = loadConfig({ data: dataDir, warehouse, window, threads: 2 }, {});
  await runPipeline(config);
  return readEcommerce(warehouse);
}
