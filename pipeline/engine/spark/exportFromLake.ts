import type { PipelineConfig } from '../../config/loadConfig.js';
import { PipelineError } from '../../errors/PipelineError.js';
import { runExport, type ExportOptions } from '../../export/runExport.js';
import { SparkExportSource } from '../../export/spark/SparkExportSource.js';
import type { SyncReport } from '../../export/syncToPostgres.js';
import { committedVersions } from './lakeCommits.js';
import { withLake, type SparkLake } from './SparkLake.js';

/** The export's view of the lake: ecommerce_state and its tombstones AS OF the last committed run. */
export async function lakeExportSource(l: SparkLake): Promise<SparkExportSource> {
  const commit = await committedVersions(l);
  if (!commit) throw new PipelineError('NOT_FOUND', `the lake ${l.lake} has no committed run yet: \`pipeline run --engine spark\` first`);
  return new SparkExportSource({
    client: l.client,
    lake: l.lake,
    versions: { ecommerce_state: commit.versions.ecommerce_state!, ecommerce_tombstones: commit.versions.ecommerce_tombstones! },
    runId: commit.runId,
  });
}

/**
 * `export` (and run's export) on the spark engine: the same exporter as on
 * DuckDB (watermark, tombstones, change log, NOTIFY, exactly-once), reading
 * the lake over Spark Connect as of the last committed run, so a run that is
 * still writing (or was interrupted) is never exported half-done.
 */
export async function exportFromLake(config: PipelineConfig, options: ExportOptions): Promise<SyncReport> {
  return withLake(config, { readOnly: true }, async (l) => runExport(config, { ...options, source: await lakeExportSource(l) }));
}
