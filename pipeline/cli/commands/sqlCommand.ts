import fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { OUTPUT_FORMATS, type OutputFormat } from '../../shell/formatRows.js';
import { DEFAULT_MAX_ROWS, ShellSession } from '../../shell/ShellSession.js';
import { startShell } from '../../shell/startShell.js';
import { withWarehouse, type Warehouse } from '../../warehouse/Warehouse.js';
import { warehouseOptions } from '../../warehouse/warehouseOptions.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';

interface SqlArgs extends GlobalArgs {
  query?: string;
  file?: string;
  format: OutputFormat;
  'max-rows': number;
  write: boolean;
}

export const sqlCommand: CommandModule<object, SqlArgs> = {
  command: 'sql [query]',
  describe: 'query the warehouse (ecommerce, cur_*, raw_*, pipeline_files, pipeline_rejects, ...); no query = interactive shell (.help), or a script on stdin',
  builder: (y) =>
    withGlobalOptions(y)
      .positional('query', { type: 'string', describe: 'SQL to run (statements separated by ;)' })
      .option('file', { type: 'string', describe: 'run the statements (and dot commands) in this file' })
      .option('format', { choices: OUTPUT_FORMATS, default: 'table' as OutputFormat })
      .option('max-rows', { type: 'number', default: DEFAULT_MAX_ROWS, describe: 'table format shows at most this many rows (0 = all)' })
      .option('write', { type: 'boolean', default: false, describe: 'open the warehouse read-write (default read-only)' })
      .conflicts('query', 'file') as never,
  handler: async (args) => {
    const config = configFrom(args);
    // Opened per statement and only for its duration, so a running `watch` can
    // write between statements; while a batch holds the file, wait for it (--wait).
    const options = warehouseOptions(config, { readOnly: !args.write });
    const session = new ShellSession(
      {
        // Tab completion (wait = false) never waits for a busy warehouse.
        withWarehouse: <T>(work: (w: Warehouse) => Promise<T>, wait = true) =>
          withWarehouse(wait ? options : { ...options, lockWaitMs: 0, onWait: undefined }, work),
        out: (text) => console.log(text),
        err: (text) => console.error(text),
        // Cut to the terminal's width only on a terminal: pipes and CI get every column.
        width: () => (process.stdout.isTTY ? process.stdout.columns : undefined),
        color: process.stdout.isTTY === true && !process.env.NO_COLOR,
      },
      { mode: args.format, maxRows: args['max-rows'] },
    );
    if (args.query !== undefined) {
      await session.runScript(args.query);
    } else if (args.file !== undefined) {
      let text: string;
      try {
        text = fs.readFileSync(args.file, 'utf8');
      } catch (error) {
        throw new Error(`cannot read --file ${args.file}: ${(error as Error).message}`);
      }
      await session.runScript(text);
    } else {
      const terminal = process.stdin.isTTY === true;
      await startShell(session, {
        input: process.stdin,
        output: process.stdout,
        terminal,
        banner: `warehouse ${config.warehousePath}; end statements with ; (.help for commands, .exit or Ctrl-D to quit)`,
      });
      if (terminal) return; // an interactive session's typos are not its exit code
    }
    if (session.failed) process.exitCode = 1;
  },
};
