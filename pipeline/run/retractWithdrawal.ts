import path from 'node:path';
import { PipelineError } from '../errors/PipelineError.js';
import type { BatchInput } from './applyBatch.js';
import type { LedgerEntry } from './ledger.js';

/** The withdrawal `retract PATH` asks for: PATH relative to the data dir (or resolving into it), a loaded file. */
export function retractWithdrawal(
  retract: string,
  dataDir: string,
  ledger: Map<string, LedgerEntry>,
): BatchInput['withdraw'][number] {
  const rel = retract.replaceAll('\\', '/').replace(/^\.?\//, '');
  const entry = ledger.get(rel) ?? ledger.get(path.relative(dataDir, path.resolve(retract)).replaceAll('\\', '/'));
  if (!entry) throw new PipelineError('NOT_FOUND', `no file ${retract} in the ledger (use a path like Orders/x.csv)`);
  if (entry.status !== 'loaded') {
    throw new PipelineError('USAGE', `${entry.path} is ${entry.status}; only a loaded file can be retracted`);
  }
  return { fileId: entry.file_id, status: 'retracted', reason: 'retracted by the retract command' };
}
