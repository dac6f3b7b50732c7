import type { CommandModule } from 'yargs';
import { withGlobalOptions, type GlobalArgs } from '../globalOptions.js';

export interface ExplainArgs extends GlobalArgs {
  order?: string;
  customer?: string;
  at?: string;
  json: boolean;
}

export const explainCommand: CommandModule<object, ExplainArgs> = {
  command: 'explain',
  describe: 'which source rows make up a number, and why an order is not counted (--order ID, or --customer ID --at TIMESTAMP)',
  builder: (y) =>
    withGlobalOptions(y)
      // strings, not numbers: an 18-digit id must keep every digit, and an empty value is not 0
      .option('order', { type: 'string', describe: 'an Order ID, YR-123,0 or 123 (up to 18 digits)' })
      .option('customer', { type: 'string', describe: 'a Customer ID (with --at)' })
      .option('at', { type: 'string', describe: 'any time inside the window, ISO 8601, e.g. 2024-03-05 or 2024-03-05T10:00:00+02:00; no offset: UTC (with --customer)' })
      .option('json', { type: 'boolean', default: false })
      .check((a) => {
        if ((a.order === undefined) === (a.customer === undefined)) throw new Error('give --order ID, or --customer ID --at TIMESTAMP');
        if (a.customer !== undefined && a.at === undefined) throw new Error('--customer needs --at TIMESTAMP (any time inside the window)');
        return true;
      }) as never,
  // the implementation loads when the command runs (a `run` does not load it: CLI start-up, issue 18)
  handler: async (args) => (await import('./explainHandler.js')).explain(args),
};
