/** `sql`: what the command does once its arguments are parsed (sqlCommand.ts declares them). */
import fs from 'node:fs';
import { ShellSession } from '../../shell/ShellSession.js';
import { startShell } from '../../shell/startShell.js';
import { withWarehouse, type Warehouse } from '../../warehouse/Warehouse.js';
import { warehouseOptions } from '../../warehouse/warehouseOptions.js';
import { configFrom } from '../globalOptions.js';
import type { SqlArgs } from './sqlCommand.js';
import { PipelineError } from '../../errors/PipelineError.js';

/** `sql --engine spark`: a query, --file or a script on stdin (no interactive shell on this engine yet). */
async function sparkSqlCommand(args: SqlArgs): Promise<void> {
  const config = configFrom(args);
  let script: string;
  if (args.query !== undefined) script = args.query;
  else if (args.file !== undefined) script = fs.readFileSync(args.file, 'utf8');
  else if (process.stdin.isTTY) throw new PipelineError('ENGINE_UNSUPPORTED', 'the interactive shell is not available on the spark engine yet: pass a query, --file, or a script on stdin');
  else script = fs.readFileSync(0, 'utf8');
  const { withLake } = await import('../../engine/spark/SparkLake.js');
  const { runSparkSql } = await import('../../engine/spark/sparkSql.js');
  await withLake(config, {}, (l) =>
    runSparkSql(l, script, { write: args.write, format: args.format, maxRows: args['max-rows'], out: (t) => console.log(t) }),
  );
}


type Opener = <T>(work: (w: Warehouse) => Promise<T>, wait?: boolean) => Promise<T>;

/**
 * Runs `body` with a way to open the warehouse: per statement (default, so a
 * running `watch` can write between statements), or, with --session, once for
 * the whole script or shell (SET, SET VARIABLE and temp tables then last from
 * statement to statement, e.g. to run the steps of sql/ by hand).
 */
async function withOpener(args: SqlArgs, body: (open: Opener) => Promise<void>): Promise<void> {
  const options = warehouseOptions(configFrom(args), { readOnly: !args.write });
  if (args.session) return withWarehouse(options, (w) => body((work) => work(w)));
  // Tab completion (wait = false) never waits for a busy warehouse; statements wait (--wait).
  return body((work, wait = true) => withWarehouse(wait ? options : { ...options, lockWaitMs: 0, onWait: undefined }, work));
}

export function sql(args: SqlArgs): Promise<void> {
  return configFrom(args).engine === 'spark' ? sparkSqlCommand(args) : withOpener(args, async (open) => {
    const config = configFrom(args);
    const session = new ShellSession(
      {
        withWarehouse: open,
        out: (text) => console.log(text),
        err: (text) => console.error(text),
        // Cut to the terminal's width only on a terminal: pipes and CI get every column.
        // A terminal that reports no size (0 columns, e.g. under `script`) is not cut either.
        width: () => (process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined),
        color: process.stdout.isTTY === true && !process.env.NO_COLOR,
        terminal: process.stdout.isTTY === true,
      },
      { mode: args.format, maxRows: args['max-rows'] },
    );
    if (args.query !== undefined) {
      await session.runScript(args.query);
    } else if (args.file !== undefined) {
      let text: string;
      try {
        text = fs.readFileSync(args.file, 'utf8');
      } catch (error) {
        throw new Error(`cannot read --file ${args.file}: ${(error as Error).message}`);
      }
      await session.runScript(text);
    } else {
      const terminal = process.stdin.isTTY === true;
      await startShell(session, {
        input: process.stdin,
        output: process.stdout,
        terminal,
        banner: `warehouse ${config.warehousePath}; end statements with ; (.help for commands, Ctrl-C cancels, .exit or Ctrl-D to quit)`,
      });
      if (terminal) return; // an interactive session's typos are not its exit code
    }
    if (session.failed) process.exitCode = 1;
  });
}
