import type { RunReport } from '../run/runPipeline.js';
import { quotedString } from '../warehouse/duckdbApi.js';
import { terminalField } from './terminalField.js';

/** A command line that lists a file's rejects, quoted for SQL and for a POSIX shell whatever the path holds. */
export function rejectsHint(filePath: string): string {
  const query = `from pipeline_rejects where path = ${quotedString(filePath)}`;
  const arg = /["$`\\!]/.test(query) ? `'${query.replaceAll("'", "'\\''")}'` : `"${query}"`;
  return `pipeline sql ${arg}`;
}

/**
 * The short human summary `run` prints. File names, reasons and warnings come
 * from data (a file may be named with an escape sequence): printed terminal-safe.
 */
export function printRunReport(r: RunReport, out: (line: string) => void = console.log): void {
  const loaded = r.files.filter((f) => f.status === 'loaded').length;
  const quarantined = r.files.filter((f) => f.status === 'quarantined');
  if (!r.changed) {
    out(`nothing to do: ${r.filesSeen} files seen, all already processed (${r.resultRows} result rows, ${r.seconds.toFixed(2)}s)`);
  } else {
    out(`${r.kind} #${r.runId} (${r.strategy}${r.rebuildReason ? `: ${terminalField(r.rebuildReason)}` : ''}) in ${r.seconds.toFixed(2)}s`);
    out(`  files: ${r.filesSeen} seen, ${r.files.length} new or changed, ${loaded} loaded, ${quarantined.length} quarantined, ${r.filesWithdrawn} withdrawn${r.filesArchived ? `, ${r.filesArchived} archived` : ''}`);
    out(`  rows:  ${r.rowsRead} read, ${r.rowsLoaded} loaded, ${r.rowsRejected} rejected`);
    out(`  ecommerce: ${r.groupsRecomputed} groups recomputed, ${r.groupsUpserted} upserted, ${r.groupsDeleted} deleted; ${r.resultRows} rows`);
  }
  for (const f of r.files) {
    const file = terminalField(f.path);
    if (f.status === 'quarantined') out(`  QUARANTINED ${file}: ${terminalField(f.reason ?? '')}`);
    else if (f.rowsRejected > 0) out(`  ${file}: ${f.rowsRejected} of ${f.rowsRead} rows rejected (see: ${terminalField(rejectsHint(f.path))})`);
    if (f.duplicateOf) out(`  ${file}: same content as ${terminalField(f.duplicateOf)} (keyed state makes it harmless)`);
  }
  printIgnored(r.filesIgnored, out);
  for (const w of r.warnings) out(`  warning: ${terminalField(w)}`);
}

/** Entries of the drop folders that are not read (hidden, temp, not a regular file, …), with why; at most 20 listed. */
export function printIgnored(ignored: { path: string; reason: string }[], out: (line: string) => void = console.log): void {
  for (const f of ignored.slice(0, 20)) out(`  skipped ${terminalField(JSON.stringify(f.path))}: ${terminalField(f.reason)}`);
  if (ignored.length > 20) out(`  … and ${ignored.length - 20} more skipped entries (status --json lists them all)`);
}
