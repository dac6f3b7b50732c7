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
  for (const w of r.warnings) out(`  warning: ${w}`);
}
