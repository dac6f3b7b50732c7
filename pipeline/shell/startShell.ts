import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { terminalSafe } from '../cli/terminalSafe.js';
import type { ShellSession } from './ShellSession.js';

const HISTORY_FILE = path.join(os.homedir(), '.pipeline_sql_history');
/** The history holds what was typed (queries, maybe literals with customer data): the owner's alone. */
const HISTORY_MODE = 0o600;

export interface ShellStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Interactive: prompts, line editing, Tab completion, history. Otherwise lines are read as a script. */
  terminal: boolean;
  /** History file (interactive only); default ~/.pipeline_sql_history. */
  historyFile?: string;
  banner?: string;
}

function readHistory(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500);
  } catch {
    return []; // no history yet
  }
}

/** An existing history file readable by others (older versions created it 0644) becomes 0600. */
function protectHistory(file: string): void {
  try {
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, HISTORY_MODE);
  } catch {
    // no history yet, or not ours to change: history is a convenience
  }
}

/** readline's own (undocumented, used by node's REPL) way to end the line being edited and start afresh. */
interface ClearableLine {
  clearLine?: () => void;
}

/**
 * The `sql` shell on node's readline: statements end with `;` (multi-line
 * input), dot commands, Tab completion from DuckDB's sql_auto_complete, and
 * history in ~/.pipeline_sql_history (mode 0600). Without a terminal (piped
 * stdin) the lines are a script: no prompts, no history.
 *
 * Keys, as in psql and the DuckDB CLI: Ctrl-C at the prompt discards what is
 * typed (the unfinished statement too) and the shell stays; Ctrl-C while a
 * statement runs interrupts it (and drops the lines typed before it); Ctrl-D
 * on an empty line leaves, never running an unfinished statement.
 */
export async function startShell(session: ShellSession, streams: ShellStreams): Promise<void> {
  const { terminal } = streams;
  const historyFile = streams.historyFile ?? HISTORY_FILE;
  if (terminal) protectHistory(historyFile);
  const rl = readline.createInterface({
    input: streams.input,
    output: streams.output,
    terminal,
    history: terminal ? readHistory(historyFile) : [],
    historySize: 500,
    completer: terminal
      ? (line: string, callback: (err: null, result: [string[], string]) => void) => {
          session.complete(line).then(
            // readline prints the candidates raw: names holding control characters are not offered.
            ({ word, candidates }) => callback(null, [candidates.filter((c) => terminalSafe(c) === c), word]),
            () => callback(null, [[], line]),
          );
        }
      : undefined,
  });
  const prompt = () => {
    rl.setPrompt(session.pending ? '...> ' : 'sql> ');
    if (terminal) rl.prompt();
  };
  if (terminal && streams.banner) streams.output.write(`${terminalSafe(streams.banner)}\n`);

  // Lines readline has handed over (entered), lines the loop below has taken (fed), and the
  // number entered when Ctrl-C last cancelled work: lines typed ahead of a Ctrl-C are dropped.
  let entered = 0;
  let fed = 0;
  let cancelledUpTo = 0;
  let working = false;
  let statement = '';
  rl.on('line', () => entered++);
  if (terminal) {
    rl.on('SIGINT', () => {
      if (working || fed < entered) {
        cancelledUpTo = entered;
        if (!session.interrupt()) streams.output.write('interrupted\n');
        return;
      }
      // At the prompt: what is typed is dropped, never run (psql, the DuckDB CLI).
      rl.write(null, { ctrl: true, name: 'e' }); // to the end of the line, so ^C shows after it
      streams.output.write('^C');
      const clearable = rl as unknown as ClearableLine;
      if (clearable.clearLine) clearable.clearLine();
      else rl.write(null, { ctrl: true, name: 'u' });
      session.discard();
      statement = '';
      prompt();
    });
  }
  prompt();
  for await (const line of rl) {
    fed++;
    if (fed <= cancelledUpTo) {
      // typed before a Ctrl-C that cancelled the work it was waiting behind (the prompt is already shown)
      session.discard();
      statement = '';
      continue;
    }
    statement += `${line}\n`;
    working = true;
    let goOn: boolean;
    try {
      goOn = await session.feedLine(line);
    } finally {
      working = false;
    }
    if (!goOn) break;
    if (!session.pending) {
      const entry = statement.trim().replace(/\s*\n\s*/g, ' ');
      statement = '';
      if (terminal && entry !== '') {
        try {
          fs.appendFileSync(historyFile, `${entry}\n`, { mode: HISTORY_MODE });
        } catch {
          // history is a convenience
        }
      }
    }
    prompt();
  }
  rl.close();
  // Ctrl-D (end of input) on a terminal leaves without running the unfinished statement;
  // a script's last statement without `;` still runs (finish).
  if (terminal && session.discard()) streams.output.write('\n(unfinished statement discarded)\n');
  await session.finish();
}
