import { PipelineError } from '../errors/PipelineError.js';

/**
 * An order id as a user types it, in either form the contract allows
 * ('YR-123,0' or '123'), as the normalised Order_ID. The same rule as the
 * parse_order_id macro of sql/migrations/V002__lineage.sql.
 */
export function parseOrderIdArg(text: string): number {
  const m = /^(?:YR-)?([0-9]{1,18})(?:,0)?$/.exec(text.trim());
  const id = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(id)) throw new PipelineError('USAGE', `--order ${JSON.stringify(text)} is neither YR-<digits>,0 nor <digits>`);
  return id;
}
