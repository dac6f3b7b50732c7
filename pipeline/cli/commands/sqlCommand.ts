import type { CommandModule } from 'yargs';
import { runQuery } from '../../shell/runQuery.js';
import { startShell } from '../../shell/startShell.js';
import type { OutputFormat } from '../../shell/formatRows.js';
import { withWarehouse } from '../../warehouse/Warehouse.js';
import { warehouseOptions } from '../../warehouse/warehouseOptions.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';

interface SqlArgs extends GlobalArgs {
  query?: string;
  format: OutputFormat;
  write: boolean;
}

export const sqlCommand: CommandModule<object, SqlArgs> = {
  command: 'sql [query]',
  describe: 'query the warehouse (ecommerce, cur_*, raw_*, pipeline_files, pipeline_rejects, ...); no query = interactive shell',
  builder: (y) =>
    withGlobalOptions(y)
      .positional('query', { type: 'string', describe: 'SQL to run' })
      .option('format', { choices: ['table', 'csv', 'json'] as const, default: 'table' as OutputFormat })
      .option('write', { type: 'boolean', default: false, describe: 'open the warehouse read-write (default read-only)' }) as never,
  handler: async (args) => {
    const config = configFrom(args);
    // Opened per statement and only for its duration, so a running `watch` can
    // write between statements; while a batch holds the file, wait for it (--wait).
    const options = warehouseOptions(config, { readOnly: !args.write });
    const execute = (sql: string) => withWarehouse(options, (w) => runQuery(w, sql, args.format));
    if (args.query !== undefined) {
      const out = await execute(args.query);
      if (out) console.log(out);
    } else {
      await startShell(config.warehousePath, execute);
    }
  },
};
