import type { PipelineConfig } from '../config/loadConfig.js';
import type { ExportOptions } from '../export/runExport.js';
import type { SyncReport } from '../export/syncToPostgres.js';
import { runPipeline, type RunOptions, type RunReport } from './runPipeline.js';

export interface RunThenExportOptions {
  run: RunOptions;
  /** Export options, or undefined when the export is off. */
  export?: ExportOptions;
  /** Whether this run's result needs exporting (default: always, when the export is on). */
  exportWhen?: (report: RunReport) => boolean;
  /** Called with the run's report before the export starts (e.g. to print it). */
  onRun?: (report: RunReport) => void;
}

export interface RunThenExportReport {
  run: RunReport;
  /** The sync, when one ran and succeeded. */
  export?: SyncReport;
  /** Why the export failed; the DuckDB side is committed regardless and the next export catches up. */
  exportError?: Error;
}

/**
 * The sequence `run` and every `watch` batch share: the run (one DuckDB
 * transaction; its failure is thrown), then, when asked, the export as a stage
 * of its own whose failure is reported, not thrown — the caller decides what it
 * means (`run`: exit 4; `watch`: retry with backoff).
 */
export async function runThenExport(config: PipelineConfig, options: RunThenExportOptions): Promise<RunThenExportReport> {
  // the Spark engine (its Connect client) and the exporter (pg) load only when used: a no-op `run --no-export` starts faster
  const run = config.engine === 'spark' ? await (await import('../engine/spark/runOnSpark.js')).runOnSpark(config, options.run) : await runPipeline(config, options.run);
  options.onRun?.(run);
  if (options.export === undefined || !(options.exportWhen?.(run) ?? true)) return { run };
  try {
    const sync = config.engine === 'spark'
      ? await (await import('../engine/spark/exportFromLake.js')).exportFromLake(config, options.export)
      : await (await import('../export/runExport.js')).runExport(config, options.export);
    return { run, export: sync };
  } catch (error) {
    return { run, exportError: error instanceof Error ? error : new Error(String(error)) };
  }
}
