import type { CommandModule } from 'yargs';
import { EXIT_CODES } from '../../errors/PipelineError.js';
import { runPipeline, type RunOptions } from '../../run/runPipeline.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';
import { printRunReport } from '../printRunReport.js';

interface RunArgs extends GlobalArgs {
  strict?: boolean;
  archive?: boolean;
  json?: boolean;
}

/** Shared by run / rebuild / retract: run, print, set the exit code. */
export async function executeRun(args: RunArgs, options: RunOptions): Promise<void> {
  const report = await runPipeline(configFrom(args), { ...options, archive: args.archive });
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else printRunReport(report);
  const bad = report.rowsRejected > 0 || report.files.some((f) => f.status === 'quarantined');
  process.exitCode = args.strict && bad ? EXIT_CODES.strictRejects : EXIT_CODES.ok;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'load new or changed files and update ecommerce incrementally',
  builder: (y) =>
    withGlobalOptions(y)
      .option('strict', { type: 'boolean', default: false, describe: 'exit 3 when rows were rejected or files quarantined' })
      .option('archive', { type: 'boolean', default: false, describe: 'after the commit, move loaded files to <data>/archive/<Dataset>/' })
      .option('json', { type: 'boolean', default: false, describe: 'print the run report as JSON' }),
  handler: (args) => executeRun(args, {}),
};

export const rebuildCommand: CommandModule<object, RunArgs> = {
  command: 'rebuild',
  describe: 'recompute keyed state and ecommerce from the warehouse raw tables (not the drop folders)',
  builder: (y) => withGlobalOptions(y).option('json', { type: 'boolean', default: false }),
  handler: (args) => executeRun(args, { rebuild: true }),
};

export const retractCommand: CommandModule<object, RunArgs & { path: string }> = {
  command: 'retract <path>',
  describe: "withdraw a loaded file's records (path relative to the data dir, e.g. Orders/x.csv)",
  builder: (y) =>
    withGlobalOptions(y)
      .positional('path', { type: 'string', demandOption: true })
      .option('json', { type: 'boolean', default: false }) as never,
  handler: (args) => executeRun(args, { retract: args.path }),
};
