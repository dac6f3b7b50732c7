import type { RunReport } from '../run/runPipeline.js';

/** The short human summary `run` prints. */
export function printRunReport(r: RunReport, out: (line: string) => void = console.log): void {
  const loaded = r.files.filter((f) => f.status === 'loaded').length;
  const quarantined = r.files.filter((f) => f.status === 'quarantined');
  if (!r.changed) {
    out(`nothing to do: ${r.filesSeen} files seen, all already processed (${r.resultRows} result rows, ${r.seconds.toFixed(2)}s)`);
  } else {
    out(`${r.kind} #${r.runId} (${r.strategy}${r.rebuildReason ? `: ${r.rebuildReason}` : ''}) in ${r.seconds.toFixed(2)}s`);
    out(`  files: ${r.filesSeen} seen, ${r.files.length} new or changed, ${loaded} loaded, ${quarantined.length} quarantined, ${r.filesWithdrawn} withdrawn${r.filesArchived ? `, ${r.filesArchived} archived` : ''}`);
    out(`  rows:  ${r.rowsRead} read, ${r.rowsLoaded} loaded, ${r.rowsRejected} rejected`);
    out(`  ecommerce: ${r.groupsRecomputed} groups recomputed, ${r.groupsUpserted} upserted, ${r.groupsDeleted} deleted; ${r.resultRows} rows`);
  }
  for (const f of r.files) {
    if (f.status === 'quarantined') out(`  QUARANTINED ${f.path}: ${f.reason}`);
    else if (f.rowsRejected > 0) out(`  ${f.path}: ${f.rowsRejected} of ${f.rowsRead} rows rejected (see: pipeline sql "from pipeline_rejects where path = '${f.path}'")`);
    if (f.duplicateOf) out(`  ${f.path}: same content as ${f.duplicateOf} (keyed state makes it harmless)`);
  }
  printIgnored(r.filesIgnored, out);
  for (const w of r.warnings) out(`  warning: ${w}`);
}

/** Entries of the drop folders that are not read (hidden, temp, not a regular file, …), with why; at most 20 listed. */
export function printIgnored(ignored: { path: string; reason: string }[], out: (line: string) => void = console.log): void {
  for (const f of ignored.slice(0, 20)) out(`  skipped ${JSON.stringify(f.path)}: ${f.reason}`);
  if (ignored.length > 20) out(`  … and ${ignored.length - 20} more skipped entries (status --json lists them all)`);
}
