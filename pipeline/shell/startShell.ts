import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import readline from 'node:readline';

const HISTORY_FILE = path.join(os.homedir(), '.pipeline_sql_history');

/** Interactive SQL shell: statements end with `;` (multi-line input), history kept in ~/.pipeline_sql_history. */
export async function startShell(warehousePath: string, execute: (sql: string) => Promise<string>): Promise<void> {
  let history: string[] = [];
  try {
    history = fs.readFileSync(HISTORY_FILE, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500);
  } catch {
    // no history yet
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, history, historySize: 500, terminal: process.stdin.isTTY });
  const tty = process.stdin.isTTY;
  if (tty) console.log(`warehouse ${warehousePath}; end statements with ; (.exit or Ctrl-D to quit)`);
  let buffer = '';
  rl.setPrompt('sql> ');
  if (tty) rl.prompt();
  for await (const line of rl) {
    if (buffer === '' && ['.exit', '.quit', '\\q'].includes(line.trim())) break;
    buffer += `${line}\n`;
    if (!line.trim().endsWith(';')) {
      rl.setPrompt('...> ');
      if (tty) rl.prompt();
      continue;
    }
    const sql = buffer.trim();
    buffer = '';
    try {
      fs.appendFileSync(HISTORY_FILE, `${sql.replace(/\n/g, ' ')}\n`);
    } catch {
      // history is a convenience
    }
    try {
      const out = await execute(sql);
      if (out) console.log(out);
    } catch (error) {
      console.error(`error: ${(error as Error).message}`);
    }
    rl.setPrompt('sql> ');
    if (tty) rl.prompt();
  }
  rl.close();
}
