import type { CommandModule } from 'yargs';
import { runExport } from '../../export/runExport.js';
import { NO_PROGRESS } from '../../progress/ProgressReporter.js';
import { terminalProgress } from '../../progress/terminalProgress.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';
import { withExportOptions, type ExportArgs } from '../exportOptions.js';
import { printSyncReport } from '../printSyncReport.js';

export const exportCommand: CommandModule<object, GlobalArgs & ExportArgs & { json: boolean }> = {
  command: 'export',
  describe: 'sync ecommerce to Postgres by watermark (only what changed since the last sync)',
  builder: (y) => withExportOptions(withGlobalOptions(y)).option('json', { type: 'boolean', default: false }) as never,
  handler: async (args) => {
    const sync = await runExport(configFrom(args), { postgres: args.postgres, pgSchema: args['pg-schema'], log: (l) => console.error(l),
      progress: args.json ? NO_PROGRESS : terminalProgress(process.stderr),
    });
    if (args.json) console.log(JSON.stringify(sync, null, 2));
    else printSyncReport(sync);
  },
};
