import type { PipelineConfig } from '../config/loadConfig.js';
import { PipelineError } from '../errors/PipelineError.js';

/** Commands that exist on the DuckDB engine only (README, "Engines": which command does what where). */
export function requireDuckdb(config: Pick<PipelineConfig, 'engine'>, command: string): void {
  if (config.engine === 'duckdb') return;
  throw new PipelineError(
    'ENGINE_UNSUPPORTED',
    `\`${command}\` is not available on the spark engine yet (it works with --engine duckdb); on spark: run, watch, rebuild, retract, export (Postgres, Parquet), status, sql`,
  );
}
