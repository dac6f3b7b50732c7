import type { CommandModule } from 'yargs';
import { DEFAULT_MAX_ROWS, OUTPUT_FORMATS, type OutputFormat } from '../../shell/formatRows.js';
import { withGlobalOptions, type GlobalArgs } from '../globalOptions.js';

export interface SqlArgs extends GlobalArgs {
  query?: string;
  file?: string;
  format: OutputFormat;
  'max-rows': number;
  write: boolean;
  session: boolean;
}

export const sqlCommand: CommandModule<object, SqlArgs> = {
  command: 'sql [query]',
  describe: 'query the warehouse (ecommerce, cur_*, raw_*, pipeline_files, pipeline_rejects, ...); no query = interactive shell (.help), or a script on stdin',
  builder: (y) =>
    withGlobalOptions(y)
      .positional('query', { type: 'string', describe: 'SQL to run (statements separated by ;)' })
      .option('file', { type: 'string', describe: 'run the statements (and dot commands) in this file' })
      .option('format', { choices: OUTPUT_FORMATS, default: 'table' as OutputFormat })
      .option('max-rows', { type: 'number', default: DEFAULT_MAX_ROWS, describe: 'table format shows at most this many rows (0 = all)' })
      .option('write', { type: 'boolean', default: false, describe: 'open the warehouse read-write (default read-only)' })
      .option('session', {
        type: 'boolean', default: false,
        describe: 'keep the warehouse open for the whole script or shell: SET VARIABLE and temp tables last (watch batches wait meanwhile)',
      })
      .conflicts('query', 'file') as never,
  // the shell loads when the command runs (a `run` does not load it: CLI start-up, issue 18)
  handler: async (args) => (await import('./sqlHandler.js')).sql(args),
};
