import type { SyncReport } from '../export/syncToPostgres.js';
import { terminalField } from './terminalField.js';

/** One line per export; the target (schema.table) is printed terminal-safe like any name a user or config chose. */
export function printSyncReport(s: SyncReport, out: (line: string) => void = console.log): void {
  const target = terminalField(s.target);
  if (s.mode === 'none') {
    out(`export: ${target} already at version ${s.toVersion}`);
    return;
  }
  out(`export: ${target} version ${s.fromVersion} -> ${s.toVersion} (${s.mode}): ${s.rowsUpserted} rows upserted, ${s.rowsDeleted} deleted in ${s.seconds.toFixed(2)}s`);
}
