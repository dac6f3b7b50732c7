import { PipelineError } from '../errors/PipelineError.js';
import fs from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { completeSql } from './completeSql.js';
import { DOT_COMMAND_HELP } from './dotCommandHelp.js';
import { OUTPUT_FORMATS, type OutputFormat } from './formatRows.js';
import { isBlankSql } from './isBlankSql.js';
import { readResult } from './readResult.js';
import { renderResult } from './renderResult.js';
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
}

export interface ShellSettings {
  mode: OutputFormat;
  timer: boolean;
  /** Table mode shows at most this many rows (0 = all). */
  maxRows: number;
}

/** DuckDB's CLI shows 40 rows of a long result. */
export const DEFAULT_MAX_ROWS = 40;
const MODE_ALIASES: Record<string, OutputFormat> = { duckbox: 'table', box: 'table', md: 'markdown' };
const MAX_READ_DEPTH = 16;

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

  /** One line of input; false when it asks to leave (.exit, .quit, \q). */
  async feedLine(line: string): Promise<boolean> {
    const trimmed = line.trim();
    if (this.buffer === '' && (trimmed.startsWith('.') || trimmed === '\\q')) {
      if (['.exit', '.quit', '\\q'].includes(trimmed)) return false;
      await this.dotCommand(trimmed);
      return true;
    }
    if (this.buffer === '' && trimmed === '') return true;
    const { statements, rest } = splitStatements(`${this.buffer}${line}\n`);
    this.buffer = rest;
    for (const s of statements) await this.runStatement(s);
    return true;
  }

  /** End of input: a last statement without `;` still runs (as in the DuckDB CLI and psql -f). */
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

  private fail(message: string): void {
    this.failed = true;
    this.io.err(`error: ${message}`);
  }

  /** Result text goes to the .output/.once file when one is set, else to the screen. */
  private emit(text: string): void {
    if (text === '') return;
    if (this.outputFile) fs.writeSync(this.outputFile.fd, `${text}\n`);
    else this.io.out(text);
  }

  private closeOutput(): void {
    if (this.outputFile) fs.closeSync(this.outputFile.fd);
    this.outputFile = undefined;
  }

  private async runStatement(sql: string): Promise<void> {
    if (isBlankSql(sql)) return;
    const started = performance.now();
    const { mode, maxRows } = this.settings;
    const toFile = this.outputFile !== undefined;
    try {
      const result = await this.io.withWarehouse((w) =>
        readResult(w.connection, sql, { keepRows: mode === 'table' && maxRows > 0 ? maxRows : undefined, json: mode === 'json' }),
      );
      this.emit(renderResult(result, { mode, width: toFile ? undefined : this.io.width(), color: !toFile && this.io.color }));
    } catch (error) {
      // The streaming API wraps parse errors; DuckDB's own message is what a CLI user knows.
      // The pipeline's own errors (a busy or corrupt warehouse) keep their machine-readable code.
      const message = (error as Error).message.replace(/^Failed to extract statements: /, '');
      if (error instanceof PipelineError) {
        this.failed = true;
        this.io.err(`error [${error.code}]: ${message}`);
      } else this.fail(message);
    }
    if (this.outputFile?.once) this.closeOutput();
    if (this.settings.timer) this.io.out(`Run Time (s): real ${((performance.now() - started) / 1000).toFixed(3)}`);
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
          else this.emit(rows.map((r) => r.sql.trim()).join('\n'));
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
      for (const line of text.split(/\r?\n/)) if (!(await this.feedLine(line))) break;
      const rest = this.buffer;
      this.buffer = '';
      if (!isBlankSql(rest)) await this.runStatement(rest.trim());
    } finally {
      this.depth--;
      this.buffer = outer;
    }
  }
}
