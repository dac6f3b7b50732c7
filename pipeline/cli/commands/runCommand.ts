import type { CommandModule } from 'yargs';
import { EXIT_CODES, PipelineError } from '../../errors/PipelineError.js';
import { resolvePostgresTarget } from '../../export/postgresTarget.js';
import { NO_PROGRESS } from '../../progress/ProgressReporter.js';
import { terminalProgress } from '../../progress/terminalProgress.js';
import type { RunOptions } from '../../run/runPipeline.js';
import { runThenExport } from '../../run/runThenExport.js';
import { printSyncReport } from '../printSyncReport.js';
import { terminalSafe } from '../terminalSafe.js';
import { exportEnabled, withExportOptions, type ExportArgs } from '../exportOptions.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';
import { printRunReport } from '../printRunReport.js';

interface RunArgs extends GlobalArgs, ExportArgs {
  strict?: boolean;
  archive?: boolean;
  json?: boolean;
}

/** Shared by run / rebuild / retract: run (then export), print, set the exit code. */
export async function executeRun(args: RunArgs, options: RunOptions): Promise<void> {
  const config = configFrom(args);
  const exporting = exportEnabled(args);
  // An unreadable --postgres / DATABASE_URL is a configuration error (exit 2), found before the run.
  if (exporting) resolvePostgresTarget({ postgres: args.postgres, pgSchema: args['pg-schema'] });
  // Progress bars on a terminal only; CI logs, pipes and --json stay quiet and structured.
  const progress = args.json ? NO_PROGRESS : terminalProgress(process.stderr);
  const report = await runThenExport(config, {
    run: { ...options, archive: args.archive, progress },
    export: exporting
      ? { postgres: args.postgres, pgSchema: args['pg-schema'], log: (l) => console.error(l), progress }
      : undefined,
    onRun: (run) => {
      if (!args.json) printRunReport(run);
    },
  });
  const { run, export: sync, exportError } = report;
  const bad = run.rowsRejected > 0 || run.files.some((f) => f.status === 'quarantined');
  process.exitCode = args.strict && bad ? EXIT_CODES.strictRejects : EXIT_CODES.ok;
  if (args.json) {
    const exportPart = !exporting ? {} : { export: sync ?? { error: exportError?.message } };
    console.log(JSON.stringify({ ...run, ...exportPart }, null, 2));
  } else if (sync) {
    printSyncReport(sync);
  }
  if (exportError === undefined) return;
  // The DuckDB side is committed; the export is a stage of its own (exit 4 when it fails).
  if (!(exportError instanceof PipelineError)) throw exportError;
  console.error(`error [${exportError.code}]: ${terminalSafe(exportError.message)}`);
  process.exitCode = EXIT_CODES.exportFailed;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'load new or changed files and update ecommerce incrementally',
  builder: (y) =>
    withExportOptions(withGlobalOptions(y))
      .option('strict', { type: 'boolean', default: false, describe: 'exit 3 when rows were rejected or files quarantined' })
      .option('archive', { type: 'boolean', default: false, describe: 'after the commit, move loaded files to <data>/archive/<Dataset>/' })
      .option('json', { type: 'boolean', default: false, describe: 'print the run report as JSON' }),
  handler: (args) => executeRun(args, {}),
};

export const rebuildCommand: CommandModule<object, RunArgs> = {
  command: 'rebuild',
  describe: 'recompute keyed state and ecommerce from the warehouse raw tables (not the drop folders)',
  builder: (y) => withExportOptions(withGlobalOptions(y)).option('json', { type: 'boolean', default: false }),
  handler: (args) => executeRun(args, { rebuild: true }),
};

export const retractCommand: CommandModule<object, RunArgs & { path: string }> = {
  command: 'retract <path>',
  describe: "withdraw a loaded file's records (path relative to the data dir, e.g. Orders/x.csv)",
  builder: (y) =>
    withExportOptions(withGlobalOptions(y))
      .positional('path', { type: 'string', demandOption: true })
      .option('json', { type: 'boolean', default: false }) as never,
  handler: (args) => executeRun(args, { retract: args.path }),
};
