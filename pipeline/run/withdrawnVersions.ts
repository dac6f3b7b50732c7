import type { Warehouse } from '../warehouse/Warehouse.js';
import type { BatchInput } from './applyBatch.js';

export interface Withdrawal {
  status: 'superseded' | 'retracted';
  reason: string;
}

/** The file versions a batch withdraws: previous versions of rewritten paths, and retractions. */
export function withdrawnVersions(input: Pick<BatchInput, 'newVersions' | 'withdraw'>): Map<number, Withdrawal> {
  const withdrawn = new Map<number, Withdrawal>();
  for (const v of input.newVersions) {
    if (v.previous?.status === 'loaded') {
      withdrawn.set(v.previous.file_id, { status: 'superseded', reason: `replaced by a new version of ${v.file.path}` });
    }
  }
  for (const x of input.withdraw) withdrawn.set(x.fileId, { status: x.status, reason: x.reason });
  return withdrawn;
}

/** Ledger bookkeeping: the withdrawn versions get their status, reason and the run that withdrew them. */
export async function markWithdrawn(w: Warehouse, withdrawn: Map<number, Withdrawal>, runId: number): Promise<void> {
  for (const [id, x] of withdrawn) {
    await w.run('UPDATE pipeline_files SET status = $1, reason = $2, withdrawn_run_id = $3 WHERE file_id = $4', [
      x.status, x.reason, runId, id,
    ]);
  }
}
