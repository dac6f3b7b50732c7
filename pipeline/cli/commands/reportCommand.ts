import type { CommandModule } from 'yargs';
import { withGlobalOptions, type GlobalArgs } from '../globalOptions.js';

export const DEFAULT_REPORT_PATH = './warehouse/report.html';

export const reportCommand: CommandModule<object, GlobalArgs & { out?: string }> = {
  command: 'report',
  describe: 'write a self-contained HTML report with charts (amount per window and market, top customers, orders per group, rejects)',
  builder: (y) =>
    withGlobalOptions(y).option('out', { type: 'string', describe: `HTML file to write [default ${DEFAULT_REPORT_PATH}]` }) as never,
  // the implementation loads when the command runs (a `run` does not load it: CLI start-up, issue 18)
  handler: async (args) => (await import('./reportHandler.js')).report(args),
};
