import type { CommandModule } from 'yargs';
import { EXIT_CODES, PipelineError } from '../../errors/PipelineError.js';
import { resolvePostgresTarget } from '../../export/postgresTarget.js';
import { runExport } from '../../export/runExport.js';
import { NO_PROGRESS } from '../../progress/ProgressReporter.js';
import { terminalProgress } from '../../progress/terminalProgress.js';
import { runPipeline, type RunOptions } from '../../run/runPipeline.js';
import { printSyncReport } from '../printSyncReport.js';
import { exportEnabled, withExportOptions, type ExportArgs } from '../exportOptions.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';
import { printRunReport } from '../printRunReport.js';

interface RunArgs extends GlobalArgs, ExportArgs {
  strict?: boolean;
  archive?: boolean;
  json?: boolean;
}

/** Shared by run / rebuild / retract: run, print, set the exit code. */
export async function executeRun(args: RunArgs, options: RunOptions): Promise<void> {
  const config = configFrom(args);
  // An unreadable --postgres / DATABASE_URL is a configuration error (exit 2), found before the run.
  if (exportEnabled(args)) resolvePostgresTarget({ postgres: args.postgres, pgSchema: args['pg-schema'] });
  // Progress bars on a terminal only; CI logs, pipes and --json stay quiet and structured.
  const progress = args.json ? NO_PROGRESS : terminalProgress(process.stderr);
  const report = await runPipeline(config, {
    ...options,
    archive: args.archive,
    progress,
  });
  if (!args.json) printRunReport(report);
  const bad = report.rowsRejected > 0 || report.files.some((f) => f.status === 'quarantined');
  process.exitCode = args.strict && bad ? EXIT_CODES.strictRejects : EXIT_CODES.ok;
  if (!exportEnabled(args)) {
    if (args.json) console.log(JSON.stringify(report, null, 2));
    return;
  }
  // The DuckDB side is committed; the export is a stage of its own (exit 4 when it fails).
  try {
    const sync = await runExport(config, { postgres: args.postgres, pgSchema: args['pg-schema'], log: (l) => console.error(l), progress });
    if (args.json) console.log(JSON.stringify({ ...report, export: sync }, null, 2));
    else printSyncReport(sync);
  } catch (error) {
    if (args.json) console.log(JSON.stringify({ ...report, export: { error: (error as Error).message } }, null, 2));
    if (error instanceof PipelineError) {
      console.error(`error [${error.code}]: ${error.message}`);
      process.exitCode = EXIT_CODES.exportFailed;
      return;
    }
    throw error;
  }
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
