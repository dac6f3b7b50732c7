import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { terminalSafe } from '../cli/terminalSafe.js';
import { PipelineError } from '../errors/PipelineError.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { completeSql } from './completeSql.js';
import { DOT_COMMAND_HELP } from './dotCommandHelp.js';
import { DEFAULT_MAX_ROWS, OUTPUT_FORMATS, type OutputFormat } from './formatRows.js';
import { isBlankSql } from './isBlankSql.js';
import { readResult } from './readResult.js';
import { renderResult, type RenderOptions } from './renderResult.js';
import type { ResultSet } from './ResultSet.js';
import { renderTableList } from './renderTableList.js';
import { splitStatements } from './splitStatements.js';

export interface ShellIO {
  /**
   * Runs `work` with the warehouse open (the shell opens it per statement, so
   * a running `watch` can write in between). `wait: false` (completion) must
   * not wait for a busy warehouse.
   */
  withWarehouse<T>(work: (w: Warehouse) => Promise<T>, wait?: boolean): Promise<T>;
  /** Results and notes, to the screen (stdout). */
  out(text: string): void;
  /** Errors (stderr). */
  err(text: string): void;
  /** The screen's width now (undefined: not a terminal, nothing is cut). */
  width(): number | undefined;
  /** Dim NULLs on the screen. */
  color: boolean;
  /**
   * The screen is a terminal: csv results and .schema print there with
   * control characters escaped (terminalSafe); files and pipes get them exact.
   * Table, markdown and line modes and error messages always escape them.
   */
  terminal?: boolean;
}

export interface ShellSettings {
  mode: OutputFormat;
  timer: boolean;
  /** Table mode shows at most this many rows (0 = all). */
  maxRows: number;
}

const MODE_ALIASES: Record<string, OutputFormat> = { duckbox: 'table', box: 'table', md: 'markdown' };
const MAX_READ_DEPTH = 16;

/** The statement running now: its connection (once open), and whether Ctrl-C interrupted it. */
interface Running {
  connection?: DuckDBConnection;
  interrupted: boolean;
}

const TABLES_SQL = `
  SELECT table_name AS name, 'table' AS kind FROM duckdb_tables() WHERE NOT internal AND database_name = current_database()
  UNION ALL
  SELECT view_name, 'view' FROM duckdb_views() WHERE NOT internal AND database_name = current_database()`;

const SCHEMA_SQL = `
  SELECT name, sql FROM (
    SELECT table_name AS name, sql FROM duckdb_tables() WHERE NOT internal AND database_name = current_database()
    UNION ALL
    SELECT view_name, sql FROM duckdb_views() WHERE NOT internal AND database_name = current_database())
  WHERE $1::VARCHAR IS NULL OR lower(name) = lower($1::VARCHAR)
  ORDER BY name`;

/**
 * The `sql` shell's engine, the same for the interactive prompt, piped stdin,
 * `--file` and a one-shot query: it is fed lines, runs each statement as soon
 * as its `;` arrives (in order), handles dot commands at the start of a
 * statement, and remembers whether anything failed (scripts exit 1).
 */
export class ShellSession {
  readonly settings: ShellSettings;
  /** Something failed (a statement, a dot command): scripts exit 1. */
  failed = false;
  private buffer = '';
  private outputFile: { fd: number; once: boolean } | undefined;
  private depth = 0;
  private running: Running | undefined;
  /** Ctrl-C came: the statements still to run from this line (or .read file) are skipped. */
  private cancelled = false;
  /** Where the last result printed was `.mode line` records (a blank line then separates the next ones). */
  private lastRecordsTo: number | 'screen' | undefined;

  constructor(
    private readonly io: ShellIO,
    settings: Partial<ShellSettings> = {},
  ) {
    this.settings = { mode: 'table', timer: false, maxRows: DEFAULT_MAX_ROWS, ...settings };
  }

  /** A statement is open (its `;` has not come yet): the prompt says so. */
  get pending(): boolean {
    return this.buffer !== '';
  }

  /** A statement is running (or waiting for the warehouse). */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /**
   * Ctrl-C while statements run: DuckDB interrupts the running statement
   * (its changes roll back; the shell prints "interrupted"), and the rest of
   * the line or .read file is skipped. False when no statement was running.
   */
  interrupt(): boolean {
    this.cancelled = true;
    this.buffer = '';
    const run = this.running;
    if (!run) return false;
    run.interrupted = true;
    run.connection?.interrupt();
    return true;
  }

  /** Ctrl-C at the prompt, Ctrl-D: the unfinished statement is dropped, never run. True if there was one. */
  discard(): boolean {
    const had = this.buffer !== '';
    this.buffer = '';
    return had;
  }

  /** One line of input; false when it asks to leave (.exit, .quit, \q). */
  async feedLine(line: string): Promise<boolean> {
    if (this.depth === 0) this.cancelled = false;
    const trimmed = line.trim();
    if (this.buffer === '' && (trimmed.startsWith('.') || trimmed === '\\q')) {
      if (['.exit', '.quit', '\\q'].includes(trimmed)) return false;
      await this.dotCommand(trimmed);
      return true;
    }
    if (this.buffer === '' && trimmed === '') return true;
    const { statements, rest } = splitStatements(`${this.buffer}${line}\n`);
    this.buffer = rest;
    for (const s of statements) {
      if (this.cancelled) break;
      await this.runStatement(s);
    }
    if (this.cancelled) this.buffer = '';
    return true;
  }

  /**
   * End of a script: a last statement without `;` still runs (as in the
   * DuckDB CLI and psql -f). The interactive shell discards it first (Ctrl-D).
   */
  async finish(): Promise<void> {
    const rest = this.buffer;
    this.buffer = '';
    if (!isBlankSql(rest)) await this.runStatement(rest.trim());
    this.closeOutput();
  }

  /** A whole script (a one-shot query, --file): every line, then finish. False if it asked to leave. */
  async runScript(text: string): Promise<boolean> {
    for (const line of text.split(/\r?\n/)) {
      if (!(await this.feedLine(line))) {
        this.buffer = '';
        return false;
      }
    }
    await this.finish();
    return true;
  }

  /** Tab completion for the statement typed so far (`line` being the current line); never waits for a busy warehouse. */
  async complete(line: string): Promise<{ word: string; candidates: string[] }> {
    if (this.buffer === '' && line.trimStart().startsWith('.')) return { word: line, candidates: [] };
    try {
      return await this.io.withWarehouse((w) => completeSql(w.connection, `${this.buffer}${line}`), false);
    } catch {
      return { word: '', candidates: [] }; // a busy or missing warehouse: no candidates, no noise
    }
  }

  /** An error, with control characters from the data or DuckDB's message escaped. */
  private fail(message: string): void {
    this.failed = true;
    this.io.err(terminalSafe(`error: ${message}`));
  }

  /** Results go to a terminal (not a .output/.once file, not a pipe). */
  private get toTerminal(): boolean {
    return this.outputFile === undefined && this.io.terminal === true;
  }

  /** Result text goes to the .output/.once file when one is set, else to the screen. */
  private emit(text: string): void {
    if (text === '') return;
    this.lastRecordsTo = undefined;
    if (this.outputFile) fs.writeSync(this.outputFile.fd, `${text}\n`);
    else this.io.out(text);
  }

  private closeOutput(): void {
    if (this.outputFile) fs.closeSync(this.outputFile.fd);
    this.outputFile = undefined;
    this.lastRecordsTo = undefined;
  }

  private async runStatement(sql: string): Promise<void> {
    if (isBlankSql(sql)) return;
    const started = performance.now();
    const { mode, maxRows } = this.settings;
    const toFile = this.outputFile !== undefined;
    const run: Running = { interrupted: false };
    this.running = run;
    try {
      const result = await this.io.withWarehouse(async (w) => {
        if (run.interrupted) return undefined; // Ctrl-C while the warehouse was opening (or busy)
        run.connection = w.connection;
        try {
          return await readResult(w.connection, sql, {
            keepRows: mode === 'table' && maxRows > 0 ? maxRows : undefined,
            json: mode === 'json',
            stopped: () => run.interrupted,
          });
        } finally {
          run.connection = undefined; // the warehouse closes next: nothing left to interrupt
        }
      });
      // An interrupted stream can end early without an error: its rows are not the result.
      if (run.interrupted || result === undefined) throw new Error('interrupted');
      this.emitResult(result, { mode, width: toFile ? undefined : this.io.width(), color: !toFile && this.io.color, terminal: this.toTerminal });
    } catch (error) {
      // The streaming API wraps parse errors; DuckDB's own message is what a CLI user knows.
      // The pipeline's own errors (a busy or corrupt warehouse) keep their machine-readable code.
      const message = (error as Error).message.replace(/^Failed to extract statements: /, '');
      if (run.interrupted) {
        this.failed = true;
        this.io.err('interrupted');
      } else if (error instanceof PipelineError) {
        this.failed = true;
        this.io.err(terminalSafe(`error [${error.code}]: ${message}`));
      } else this.fail(message);
    } finally {
      this.running = undefined;
    }
    if (this.outputFile?.once) this.closeOutput();
    if (this.settings.timer) this.io.out(`Run Time (s): real ${((performance.now() - started) / 1000).toFixed(3)}`);
  }

  /**
   * A result to the screen or file. `.mode line` records of one statement are
   * separated by a blank line, and so are those of consecutive statements:
   * two one-row results would otherwise read as one record.
   */
  private emitResult(result: ResultSet, options: RenderOptions): void {
    const text = renderResult(result, options);
    const to = this.outputFile?.fd ?? 'screen';
    const records = options.mode === 'line' && text !== '';
    const after = records && this.lastRecordsTo === to;
    this.emit(after ? `\n${text}` : text);
    if (records) this.lastRecordsTo = to;
  }

  private async dotCommand(line: string): Promise<void> {
    const [command = '', ...args] = line.split(/\s+/);
    const arg = args.join(' ');
    switch (command) {
      case '.help':
        this.io.out(DOT_COMMAND_HELP);
        return;
      case '.tables':
        try {
          const rows = await this.io.withWarehouse((w) => w.all<{ name: string; kind: 'table' | 'view' }>(TABLES_SQL));
          this.emit(renderTableList(rows, this.outputFile ? undefined : this.io.width()));
        } catch (error) {
          this.fail((error as Error).message);
        }
        return;
      case '.schema':
        try {
          const rows = await this.io.withWarehouse((w) => w.all<{ name: string; sql: string }>(SCHEMA_SQL, [arg === '' ? null : arg]));
          if (rows.length === 0 && arg !== '') this.fail(`no table or view named ${arg}`);
          else {
            const text = rows.map((r) => r.sql.trim()).join('\n');
            this.emit(this.toTerminal ? terminalSafe(text) : text);
          }
        } catch (error) {
          this.fail((error as Error).message);
        }
        return;
      case '.mode': {
        const mode = MODE_ALIASES[arg] ?? (OUTPUT_FORMATS.includes(arg as OutputFormat) ? (arg as OutputFormat) : undefined);
        if (arg === '') this.io.out(`mode: ${this.settings.mode}`);
        else if (mode) this.settings.mode = mode;
        else this.fail(`.mode ${arg}: use one of ${OUTPUT_FORMATS.join(', ')}`);
        return;
      }
      case '.timer':
        if (arg === 'on' || arg === 'off') this.settings.timer = arg === 'on';
        else this.fail('.timer on|off');
        return;
      case '.maxrows':
        if (/^\d+$/.test(arg)) this.settings.maxRows = Number(arg);
        else if (arg === '') this.io.out(`maxrows: ${this.settings.maxRows}`);
        else this.fail('.maxrows N (0 = all rows)');
        return;
      case '.output':
      case '.once':
        this.closeOutput();
        if (arg === '') {
          if (command === '.once') this.fail('.once FILE');
          return;
        }
        try {
          this.outputFile = { fd: fs.openSync(path.resolve(arg), 'w'), once: command === '.once' };
        } catch (error) {
          this.fail(`${command} ${arg}: ${(error as Error).message}`);
        }
        return;
      case '.read':
        await this.read(arg);
        return;
      default:
        this.fail(`unknown command ${command}; .help lists the commands`);
    }
  }

  private async read(file: string): Promise<void> {
    if (file === '') return this.fail('.read FILE');
    if (this.depth >= MAX_READ_DEPTH) return this.fail(`.read ${file}: nested too deep (${MAX_READ_DEPTH})`);
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(file), 'utf8');
    } catch (error) {
      return this.fail(`.read ${file}: ${(error as Error).message}`);
    }
    // The file's statements run on their own: what is typed before and after is untouched.
    const outer = this.buffer;
    this.buffer = '';
    this.depth++;
    try {
      for (const line of text.split(/\r?\n/)) if (this.cancelled || !(await this.feedLine(line))) break;
      const rest = this.buffer;
      this.buffer = '';
      if (!isBlankSql(rest) && !this.cancelled) await this.runStatement(rest.trim());
    } finally {
      this.depth--;
      this.buffer = outer;
    }
  }
}
