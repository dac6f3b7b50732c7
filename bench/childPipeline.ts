/**
 * Child process of the benchmarks: one `runPipeline` call (run or rebuild) in
 * its own node process, so its peak RSS is its own.
 *
 * argv[2]: JSON { dataDir, warehouse, memoryLimit?, threads?, rebuild? }.
 * Prints one JSON line: seconds (the RunReport's own time: open warehouse to
 * result, before the close), maxRssKiB (process.resourceUsage().maxRSS after
 * DuckDB is closed) and the report's counters.
 */
import { loadConfig } from '../pipeline/config/loadConfig.js';
import { runPipeline } from '../pipeline/run/runPipeline.js';

interface Args {
  dataDir: string;
  warehouse: string;
  memoryLimit?: string;
  threads?: number;
  rebuild?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
// Flags only: PIPELINE_* variables of the caller's shell must not change what is measured.
const config = loadConfig(
  { data: args.dataDir, warehouse: args.warehouse, memoryLimit: args.memoryLimit, threads: args.threads },
  {},
);
const t0 = performance.now();
const report = await runPipeline(config, { rebuild: args.rebuild === true });
const secondsWithClose = (performance.now() - t0) / 1000;
const result = {
  seconds: report.seconds,
  secondsWithClose,
  maxRssKiB: process.resourceUsage().maxRSS,
  kind: report.kind,
  changed: report.changed,
  strategy: report.strategy,
  files: report.files.length,
  filesSeen: report.filesSeen,
  filesUnchanged: report.filesUnchanged,
  quarantined: report.files.filter((f) => f.status === 'quarantined').map((f) => `${f.path}: ${f.reason ?? ''}`),
  rowsRead: report.rowsRead,
  rowsLoaded: report.rowsLoaded,
  rowsRejected: report.rowsRejected,
  keysChanged: report.keysChanged,
  groupsRecomputed: report.groupsRecomputed,
  groupsUpserted: report.groupsUpserted,
  groupsDeleted: report.groupsDeleted,
  resultRows: report.resultRows,
  warnings: report.warnings,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
