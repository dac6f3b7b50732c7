import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { ShellSession } from './ShellSession.js';

const HISTORY_FILE = path.join(os.homedir(), '.pipeline_sql_history');

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

/**
 * The `sql` shell on node's readline: statements end with `;` (multi-line
 * input), dot commands, Tab completion from DuckDB's sql_auto_complete, and
 * history in ~/.pipeline_sql_history. Without a terminal (piped stdin) the
 * lines are a script: no prompts, no history.
 */
export async function startShell(session: ShellSession, streams: ShellStreams): Promise<void> {
  const { terminal } = streams;
  const historyFile = streams.historyFile ?? HISTORY_FILE;
  const rl = readline.createInterface({
    input: streams.input,
    output: streams.output,
    terminal,
    history: terminal ? readHistory(historyFile) : [],
    historySize: 500,
    completer: terminal
      ? (line: string, callback: (err: null, result: [string[], string]) => void) => {
          session.complete(line).then(
            ({ word, candidates }) => callback(null, [candidates, word]),
            () => callback(null, [[], line]),
          );
        }
      : undefined,
  });
  const prompt = () => {
    rl.setPrompt(session.pending ? '...> ' : 'sql> ');
    if (terminal) rl.prompt();
  };
  if (terminal && streams.banner) streams.output.write(`${streams.banner}\n`);
  prompt();
  let statement = '';
  for await (const line of rl) {
    statement += `${line}\n`;
    const goOn = await session.feedLine(line);
    if (!goOn) break;
    if (!session.pending) {
      const entry = statement.trim().replace(/\s*\n\s*/g, ' ');
      statement = '';
      if (terminal && entry !== '') {
        try {
          fs.appendFileSync(historyFile, `${entry}\n`);
        } catch {
          // history is a convenience
        }
      }
    }
    prompt();
  }
  rl.close();
  await session.finish();
}
