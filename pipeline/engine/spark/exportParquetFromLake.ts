import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quotedString } from '../../warehouse/duckdbApi.js';
import type { PipelineConfig } from '../../config/loadConfig.js';
import { ECOMMERCE_COLUMNS } from '../../contract/ecommerceColumns.js';
import { exportParquet, PARQUET_LOCK, type ParquetManifest } from '../../export/exportParquet.js';
import { withParquetLock } from '../../export/parquetLock.js';
import { migrateWarehouse } from '../../warehouse/migrateWarehouse.js';
import { SqlSnapshot } from '../../warehouse/sqlFiles.js';
import { withWarehouse } from '../../warehouse/Warehouse.js';
import { lakeExportSource } from './exportFromLake.js';
import { withLake } from './SparkLake.js';

/**
 * `export --parquet DIR --engine spark`: the same Hive-partitioned snapshot,
 * manifest, atomic swap and incremental months as on DuckDB (exportParquet.ts,
 * one writer for both engines). The lake's result as of its last committed run
 * comes over Spark Connect (SparkExportSource, exact values) into a private
 * scratch DuckDB file with the lake's identity and version, which the Parquet
 * exporter then reads. Costs a copy of the result per export.
 */
export async function exportParquetFromLake(
  config: PipelineConfig,
  dir: string,
  options: { lockWaitMs: number; onWait?: (message: string) => void },
): Promise<ParquetManifest> {
  const root = path.resolve(dir);
  return withParquetLock(path.join(root, PARQUET_LOCK), { waitMs: options.lockWaitMs, onWait: options.onWait }, () =>
    withLake(config, { readOnly: true }, async (l) => {
      const source = await lakeExportSource(l);
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-lake-parquet-')); // 0700
      try {
        const rows = path.join(scratch, 'rows.csv');
        await source.writeRowsSince(0, rows);
        const [id, version] = [await source.identity(), await source.currentVersion()];
        return await withWarehouse({ path: path.join(scratch, 'result.duckdb') }, async (w) => {
          await migrateWarehouse(w, SqlSnapshot.read());
          const columns = ECOMMERCE_COLUMNS.map((c) => `${quotedString(c.name)}: ${quotedString(c.duckdbType)}`).join(', ');
          await w.run(
            `INSERT INTO ecommerce_state BY NAME SELECT *, $1::BIGINT AS _version FROM read_csv(${quotedString(rows)}, header = false, columns = {${columns}})`,
            [version],
          );
          await w.run(`UPDATE pipeline_settings SET value = $1 WHERE key = 'warehouse_id'`, [id ?? 'spark-lake']);
          await w.run(
            `INSERT INTO pipeline_runs VALUES ($1, 'run', now()::TIMESTAMP, now()::TIMESTAMP, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'incremental', 'lake version')`,
            [version],
          );
          return exportParquet(w, root);
        });
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    }),
  );
}
