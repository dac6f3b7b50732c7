import type { PipelineConfig } from '../config/loadConfig.js';
import { migrateWarehouse, type SqlReport } from '../warehouse/migrateWarehouse.js';
import { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';

export interface RunSql {
  /** Read once: the text executed is the text whose checksum this run records. */
  snapshot: SqlSnapshot;
  report: SqlReport;
  warnings: string[];
  /** Why everything must be recomputed (SQL of a step or the window changed), when it must. */
  rebuildReason?: string;
}

async function rebuildReasonFor(w: Warehouse, config: PipelineConfig, sql: SqlReport): Promise<string | undefined> {
  const runs = await w.count('SELECT count(*) FROM pipeline_runs');
  if (runs === 0) return undefined;
  const reasons: string[] = [];
  if (sql.modelsChanged.length > 0) reasons.push(`SQL changed: ${sql.modelsChanged.map((n) => `sql/${n}`).join(', ')}`);
  const win = await w.one<{ value: string }>(`SELECT value FROM pipeline_settings WHERE key = 'window'`);
  if (win && win.value !== config.window) reasons.push(`window changed from ${win.value} to ${config.window}`);
  return reasons.length ? reasons.join('; ') : undefined;
}

function sqlWarnings(sql: SqlReport): string[] {
  const warnings: string[] = [];
  if (sql.stagingChanged.length > 0) {
    warnings.push(
      `staging SQL changed (${sql.stagingChanged.map((n) => `sql/${n}`).join(', ')}): ` +
        `it applies to files ingested from now on; already loaded rows keep their staged values`,
    );
  }
  if (sql.missing.length > 0) warnings.push(`SQL files recorded before are gone: ${sql.missing.join(', ')}`);
  return warnings;
}

/** Reads the SQL folder once, applies pending migrations and says what changed since the last run. */
export async function readRunSql(w: Warehouse, config: PipelineConfig, rebuild: boolean): Promise<RunSql> {
  const snapshot = SqlSnapshot.read();
  const report = await migrateWarehouse(w, snapshot);
  const rebuildReason = rebuild ? undefined : await rebuildReasonFor(w, config, report);
  return { snapshot, report, warnings: sqlWarnings(report), rebuildReason };
}
