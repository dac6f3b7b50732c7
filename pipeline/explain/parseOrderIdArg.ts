import { PipelineError } from '../errors/PipelineError.js';

/**
 * An order id as a user types it, in either form the contract allows
 * ('YR-123,0' or '123'), as the normalised Order_ID. The same rule as the
 * parse_order_id macro of sql/migrations/V002__lineage.sql: up to 18 digits,
 * so a bigint (above 2^53 a JS number would round it to a neighbour).
 */
export function parseOrderIdArg(text: string): bigint {
  const m = /^(?:YR-)?([0-9]{1,18})(?:,0)?$/.exec(text.trim());
  if (!m) throw new PipelineError('USAGE', `--order ${JSON.stringify(text)} is neither YR-<digits>,0 nor <digits> (at most 18 digits)`);
  return BigInt(m[1]!);
}
