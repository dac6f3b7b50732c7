import type { CommandModule } from 'yargs';
import { prepareParquetTarget } from '../../export/parquetTarget.js';
import { NO_PROGRESS } from '../../progress/ProgressReporter.js';
import { terminalProgress } from '../../progress/terminalProgress.js';
import { warehouseOptions } from '../../warehouse/warehouseOptions.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';
import { withExportOptions, type ExportArgs } from '../exportOptions.js';
import { printSyncReport } from '../printSyncReport.js';

export const exportCommand: CommandModule<object, GlobalArgs & ExportArgs & { json: boolean; parquet?: string }> = {
  command: 'export',
  describe: 'sync ecommerce to Postgres by watermark (only what changed since the last sync), or write it as Parquet (--parquet DIR)',
  builder: (y) =>
    withExportOptions(withGlobalOptions(y))
      .option('json', { type: 'boolean', default: false })
      .option('parquet', {
        type: 'string',
        describe: 'instead of Postgres: write a Hive-partitioned Parquet snapshot to DIR (DIR/ecommerce/_manifest.json names it; atomic, incremental)',
      }) as never,
  handler: async (args) => {
    const config = configFrom(args);
    if (args.parquet !== undefined) {
      // a bad folder (empty, a file, not creatable) fails here, before the warehouse is opened
      const dir = prepareParquetTarget(args.parquet);
      const started = performance.now();
      const manifest = config.engine === 'spark'
        ? await (await import('../../engine/spark/exportParquetFromLake.js')).exportParquetFromLake(config, dir, { lockWaitMs: config.waitSeconds * 1000, onWait: (message) => console.error(message) })
        : await (await import('../../export/exportParquet.js')).exportParquetSnapshot(dir, {
          warehouse: warehouseOptions(config, { readOnly: true }),
          lockWaitMs: config.waitSeconds * 1000,
          onWait: (message) => console.error(message),
        });
      const seconds = (performance.now() - started) / 1000;
      if (args.json) console.log(JSON.stringify({ ...manifest, seconds }, null, 2));
      else {
        console.log(
          `parquet ${args.parquet}/ecommerce: version ${manifest.version}, ${manifest.rows} rows in ${manifest.partitions} partitions ` +
            `(${manifest.mode}: ${manifest.written.length} written) in ${seconds.toFixed(2)}s, snapshot ${manifest.snapshot}`,
        );
      }
      return;
    }
    const options = { postgres: args.postgres, pgSchema: args['pg-schema'], log: (l: string) => console.error(l),
      progress: args.json ? NO_PROGRESS : terminalProgress(process.stderr),
    };
    const sync = config.engine === 'spark'
      ? await (await import('../../engine/spark/exportFromLake.js')).exportFromLake(config, options)
      : await (await import('../../export/runExport.js')).runExport(config, options);
    if (args.json) console.log(JSON.stringify(sync, null, 2));
    else printSyncReport(sync);
  },
};
