import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT_CODES, PipelineError } from '../errors/PipelineError.js';
import { maskSecrets } from '../errors/maskSecrets.js';
import { checkCommand } from './commands/checkCommand.js';
import { explainCommand } from './commands/explainCommand.js';
import { exportCommand } from './commands/exportCommand.js';
import { generateCommand } from './commands/generateCommand.js';
import { postgresCommand } from './commands/postgresCommand.js';
import { rebuildCommand, retractCommand, runCommand } from './commands/runCommand.js';
import { reportCommand } from './commands/reportCommand.js';
import { sqlCommand } from './commands/sqlCommand.js';
import { statusCommand } from './commands/statusCommand.js';
import { versionCommand } from './commands/versionCommand.js';
import { watchCommand } from './commands/watchCommand.js';
import { terminalSafe } from './terminalSafe.js';

// Messages may quote data (a file name, a value): printed terminal-safe.
function fail(error: unknown): never {
  if (error instanceof PipelineError) {
    console.error(`error [${error.code}]: ${terminalSafe(maskSecrets(error.message))}`);
    process.exit(error.exitCode);
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`error: ${terminalSafe(maskSecrets(message))}`);
  process.exit(EXIT_CODES.failure);
}

// `pipeline sql ... | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// `pipeline --version [--postgres URL]` is the version command (yargs' own --version knows only package.json).
const argv = hideBin(process.argv);
if (argv[0] === '--version') argv[0] = 'version';

const cli = yargs(argv);
// yargs renders a command's whole help text right after starting its handler
// (cacheHelpMessage), to print it should the handler fail. Our failures print
// a message and a pointer to --help instead (fail() above, .fail below), and
// that rendering (string widths of every option) took ~35 ms of every start
// (issue 18: a no-op run). --help renders its text when asked, as before.
const usage = (cli as unknown as { getInternalMethods?: () => { getUsageInstance(): { cacheHelpMessage(): void } } })
  .getInternalMethods?.()
  .getUsageInstance();
if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};

try {
  await cli
    .scriptName('pipeline')
    .usage('$0 <command> [options]\n\nE-commerce metrics from CSV/JSON drops, incrementally, in DuckDB.')
    .command(runCommand)
    .command(watchCommand)
    .command(rebuildCommand)
    .command(retractCommand)
    .command(exportCommand)
    .command(postgresCommand)
    .command(explainCommand)
    .command(sqlCommand)
    .command(statusCommand)
    .command(checkCommand)
    .command(reportCommand)
    .command(generateCommand)
    .command(versionCommand)
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .fail((msg, err) => {
      if (err) throw err;
      // A handler whose promise was rejected with nothing (a library's bare reject()) is a failure, not bad usage.
      if (msg === null || msg === undefined) throw new Error('the command failed without an error message');
      console.error(`error [USAGE]: ${terminalSafe(msg)}\n(see pipeline --help)`);
      process.exit(EXIT_CODES.usage);
    })
    .help()
    .version(false)
    .parseAsync();
} catch (error) {
  fail(error);
}
