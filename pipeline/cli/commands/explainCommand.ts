import type { CommandModule } from 'yargs';
import { EXIT_CODES } from '../../errors/PipelineError.js';
import { explainOrder } from '../../explain/explainOrder.js';
import { explainWindow } from '../../explain/explainWindow.js';
import { explanationJson } from '../../explain/explanationJson.js';
import { parseAtArg } from '../../explain/parseAtArg.js';
import { parseCustomerIdArg } from '../../explain/parseCustomerIdArg.js';
import { parseOrderIdArg } from '../../explain/parseOrderIdArg.js';
import { printOrderExplanation, printWindowExplanation } from '../../explain/printExplanation.js';
import { SqlSnapshot } from '../../warehouse/sqlFiles.js';
import { withWarehouse } from '../../warehouse/Warehouse.js';
import { warehouseOptions } from '../../warehouse/warehouseOptions.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';
import { requireDuckdb } from '../../engine/requireEngine.js';

interface ExplainArgs extends GlobalArgs {
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
  handler: async (args) => {
    const config = configFrom(args);
    requireDuckdb(config, 'explain');
    // bad arguments are USAGE errors before the warehouse is opened
    const orderId = args.order === undefined ? undefined : parseOrderIdArg(args.order);
    const window = orderId === undefined ? { customer: parseCustomerIdArg(args.customer!), at: parseAtArg(args.at!) } : undefined;
    const sql = SqlSnapshot.read();
    await withWarehouse(warehouseOptions(config, { readOnly: true }), async (w) => {
      if (orderId !== undefined) {
        const e = await explainOrder(w, sql, orderId);
        if (args.json) console.log(explanationJson(e));
        else printOrderExplanation(e);
        if (e.status === 'unknown') {
          const unread = e.quarantined_files.length;
          console.error(
            `error [NOT_FOUND]: the warehouse has never seen order ${e.order_id}` +
              (unread > 0 ? `; ${unread} quarantined file${unread === 1 ? ' was' : 's were'} not read and may hold it (listed above)` : ''),
          );
          process.exitCode = EXIT_CODES.failure;
        }
        return;
      }
      const e = await explainWindow(w, sql, window!.customer, window!.at);
      if (args.json) console.log(explanationJson(e));
      else printWindowExplanation(e);
    });
  },
};
