import type { CommandModule } from 'yargs';
import { EXIT_CODES, PipelineError } from '../../errors/PipelineError.js';
import { explainOrder } from '../../explain/explainOrder.js';
import { explainWindow } from '../../explain/explainWindow.js';
import { parseOrderIdArg } from '../../explain/parseOrderIdArg.js';
import { printOrderExplanation, printWindowExplanation } from '../../explain/printExplanation.js';
import { SqlSnapshot } from '../../warehouse/sqlFiles.js';
import { withWarehouse } from '../../warehouse/Warehouse.js';
import { warehouseOptions } from '../../warehouse/warehouseOptions.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';

interface ExplainArgs extends GlobalArgs {
  order?: string;
  customer?: number;
  at?: string;
  json: boolean;
}

export const explainCommand: CommandModule<object, ExplainArgs> = {
  command: 'explain',
  describe: 'which source rows make up a number, and why an order is not counted (--order ID, or --customer ID --at TIMESTAMP)',
  builder: (y) =>
    withGlobalOptions(y)
      .option('order', { type: 'string', describe: 'an Order ID, YR-123,0 or 123' })
      .option('customer', { type: 'number', describe: 'a Customer ID (with --at)' })
      .option('at', { type: 'string', describe: 'any timestamp inside the window, e.g. 2024-03-05 (with --customer)' })
      .option('json', { type: 'boolean', default: false })
      .check((a) => {
        if ((a.order === undefined) === (a.customer === undefined)) throw new Error('give --order ID, or --customer ID --at TIMESTAMP');
        if (a.customer !== undefined && a.at === undefined) throw new Error('--customer needs --at TIMESTAMP (any time inside the window)');
        return true;
      }) as never,
  handler: async (args) => {
    const config = configFrom(args);
    const sql = SqlSnapshot.read();
    await withWarehouse(warehouseOptions(config, { readOnly: true }), async (w) => {
      if (args.order !== undefined) {
        const e = await explainOrder(w, sql, parseOrderIdArg(args.order));
        if (args.json) console.log(JSON.stringify(e, null, 2));
        else printOrderExplanation(e);
        if (e.status === 'unknown') {
          console.error(`error [NOT_FOUND]: the warehouse has never seen order ${e.order_id}`);
          process.exitCode = EXIT_CODES.failure;
        }
        return;
      }
      if (!Number.isSafeInteger(args.customer)) throw new PipelineError('USAGE', `--customer must be a whole number`);
      const e = await explainWindow(w, sql, args.customer!, args.at!);
      if (args.json) console.log(JSON.stringify(e, null, 2));
      else printWindowExplanation(e);
    });
  },
};
