import { PipelineError } from '../errors/PipelineError.js';

/**
 * `explain --customer` as a Customer_ID: optional sign and decimal digits, a
 * 32-bit integer (docs/contract.md; the same rule as parse_customer_id). An
 * empty value is not customer 0.
 */
export function parseCustomerIdArg(text: string): number {
  const trimmed = text.trim();
  const id = /^[+-]?[0-9]{1,10}$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!(id >= -(2 ** 31) && id < 2 ** 31)) {
    throw new PipelineError('USAGE', `--customer ${JSON.stringify(text)} is not a Customer ID (a whole number from -2147483648 to 2147483647)`);
  }
  return id;
}
