import type { CommandModule } from 'yargs';
import { runQuery } from '../../shell/runQuery.js';
import { startShell } from '../../shell/startShell.js';
import type { OutputFormat } from '../../shell/formatRows.js';
import { withWarehouse } from '../../warehouse/Warehouse.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';

interface SqlArgs extends GlobalArgs {
  query?: string;
  format: OutputFormat;
  write: boolean;
  wait: number;
}

export const sqlCommand: CommandModule<object, SqlArgs> = {
  command: 'sql [query]',
  describe: 'query the warehouse (ecommerce, cur_*, raw_*, pipeline_files, pipeline_rejects, ...); no query = interactive shell',
  builder: (y) =>
    withGlobalOptions(y)
      .positional('query', { type: 'string', describe: 'SQL to run' })
      .option('format', { choices: ['table', 'csv', 'json'] as const, default: 'table' as OutputFormat })
      .option('write', { type: 'boolean', default: false, describe: 'open the warehouse read-write (default read-only)' })
      .option('wait', { type: 'number', default: 60, describe: 'seconds to wait while another process (a watch batch) holds the warehouse' }) as never,
  handler: async (args) => {
    const config = configFrom(args);
    // Opened per statement and only for its duration, so a running `watch` can
    // write between statements; while a batch holds the file, wait for it.
    const options = {
      path: config.warehousePath, threads: config.threads, memoryLimit: config.memoryLimit, readOnly: !args.write,
      lockWaitMs: args.wait * 1000, onWait: (m: string) => console.error(m),
    };
    const execute = (sql: string) => withWarehouse(options, (w) => runQuery(w, sql, args.format));
    if (args.query !== undefined) {
      const out = await execute(args.query);
      if (out) console.log(out);
    } else {
      await startShell(config.warehousePath, execute);
    }
  },
};
