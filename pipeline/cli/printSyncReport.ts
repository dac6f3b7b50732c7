import type { SyncReport } from '../export/syncToPostgres.js';

export function printSyncReport(s: SyncReport, out: (line: string) => void = console.log): void {
  if (s.mode === 'none') {
    out(`export: ${s.target} already at version ${s.toVersion}`);
    return;
  }
  out(`export: ${s.target} version ${s.fromVersion} -> ${s.toVersion} (${s.mode}): ${s.rowsUpserted} rows upserted, ${s.rowsDeleted} deleted in ${s.seconds.toFixed(2)}s`);
}
