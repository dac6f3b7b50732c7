/** `explain`: what the command does once its arguments are parsed (explainCommand.ts declares them). */
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
import { configFrom } from '../globalOptions.js';
import { requireDuckdb } from '../../engine/requireEngine.js';
import type { ExplainArgs } from './explainCommand.js';

export async function explain(args: ExplainArgs): Promise<void> {
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
}
