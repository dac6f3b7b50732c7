import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../errors/PipelineError.js';

export type SqlKind = 'migrations' | 'staging' | 'batch' | 'state' | 'marts' | 'audits' | 'tests' | 'explain';
export const SQL_KINDS: SqlKind[] = ['migrations', 'staging', 'batch', 'state', 'marts', 'audits', 'tests', 'explain'];

/**
 * Kinds whose files compute the result from the raw tables (the run's steps):
 * an edit may change results, so the next run recomputes everything. staging/
 * applies to files ingested from then on; audits/, tests/ and explain/ only read.
 */
export const RECOMPUTE_KINDS: readonly SqlKind[] = ['batch', 'state', 'marts'];

export interface SqlFile {
  /** Path below sql/, e.g. "marts/ecommerce_metrics.sql". */
  name: string;
  kind: SqlKind;
  checksum: string;
  text: string;
}

function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'sql'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new PipelineError('INTERNAL', 'cannot find the project folder holding sql/');
    dir = parent;
  }
}

export const PROJECT_ROOT = findProjectRoot();
export const SQL_DIR = path.join(PROJECT_ROOT, 'sql');

/**
 * The SQL folder a run reads: sql/ of the project, or PIPELINE_SQL_DIR (to try
 * edited SQL against a copy of the folder without touching the project's).
 */
export function sqlDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PIPELINE_SQL_DIR ? path.resolve(env.PIPELINE_SQL_DIR) : SQL_DIR;
}

/** Every .sql file under the SQL folder, in application order (kind, then name). */
export function listSqlFiles(dir: string = sqlDir()): SqlFile[] {
  const files: SqlFile[] = [];
  for (const kind of SQL_KINDS) {
    const kindDir = path.join(dir, kind);
    if (!fs.existsSync(kindDir)) continue;
    for (const entry of fs.readdirSync(kindDir).filter((f) => f.endsWith('.sql')).sort()) {
      const text = fs.readFileSync(path.join(kindDir, entry), 'utf8');
      files.push({
        name: `${kind}/${entry}`,
        kind,
        checksum: crypto.createHash('sha256').update(text).digest('hex'),
        text,
      });
    }
  }
  return files;
}

/**
 * A file of an engine's shims, sql/engines/<engine>/**.sql (e.g.
 * "engines/spark/functions.sql"). Not a SqlKind: DuckDB never executes,
 * migrates or records these; the engine named by the folder reads them.
 */
export interface EngineSqlFile {
  /** Path below sql/, e.g. "engines/spark/statements.sql". */
  name: string;
  /** The folder below engines/, e.g. "spark". */
  engine: string;
  checksum: string;
  text: string;
}

/** Every .sql file below sql/engines/<engine>/ (subfolders too), in name order. */
export function listEngineSqlFiles(dir: string = sqlDir()): EngineSqlFile[] {
  const root = path.join(dir, 'engines');
  if (!fs.existsSync(root)) return [];
  const files: EngineSqlFile[] = [];
  for (const engine of fs.readdirSync(root).sort()) {
    const engineDir = path.join(root, engine);
    if (!fs.statSync(engineDir).isDirectory()) continue;
    for (const rel of (fs.readdirSync(engineDir, { recursive: true }) as string[]).map((r) => r.split(path.sep).join('/')).sort()) {
      if (!rel.endsWith('.sql')) continue;
      const text = fs.readFileSync(path.join(engineDir, rel), 'utf8');
      files.push({
        name: `engines/${engine}/${rel}`,
        engine,
        checksum: crypto.createHash('sha256').update(text).digest('hex'),
        text,
      });
    }
  }
  return files;
}

/**
 * The SQL files as one run reads them: each file is read once, at the start of
 * the run, and the text executed is the text whose checksum the run records.
 * (A process-wide cache once outlived an edit under `watch`: the next batch
 * recorded the new checksum but ran the old SQL.)
 */
export class SqlSnapshot {
  private readonly byName: Map<string, SqlFile>;

  /**
   * @param files the warehouse's files (what DuckDB migrates, runs and records)
   * @param engineFiles the engines' shims (sql/engines/), read with them so the
   *   text another engine executes is the text of the same snapshot
   */
  constructor(
    readonly files: SqlFile[],
    readonly engineFiles: EngineSqlFile[] = [],
  ) {
    this.byName = new Map(files.map((f) => [f.name, f]));
  }

  /** Reads every file of the SQL folder now. */
  static read(dir: string = sqlDir()): SqlSnapshot {
    return new SqlSnapshot(listSqlFiles(dir), listEngineSqlFiles(dir));
  }

  /** The shim files of one engine (sql/engines/<engine>/), in name order. */
  ofEngine(engine: string): EngineSqlFile[] {
    return this.engineFiles.filter((f) => f.engine === engine);
  }

  /** The files of one kind (e.g. the data tests), in name order. */
  ofKind(kind: SqlKind): SqlFile[] {
    return this.files.filter((f) => f.kind === kind);
  }

  /** The text of sql/<name> with its {{placeholders}} filled; every placeholder must be given. */
  render(name: string, params: Record<string, string> = {}): string {
    const file = this.byName.get(name);
    if (!file) throw new PipelineError('SQL_FILE_MISSING', `sql/${name} is missing`);
    return fillPlaceholders(name, file.text, params);
  }
}

/** Fills {{placeholders}} in SQL text; placeholders in `--` comment lines are documentation, not substituted. */
export function fillPlaceholders(name: string, text: string, params: Record<string, string>): string {
  // (a multi-line value substituted into a comment would spill out of it)
  return text
    .split('\n')
    .map((line) =>
      line.trimStart().startsWith('--')
        ? line
        : line.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
            const value = params[key];
            if (value === undefined) throw new PipelineError('INTERNAL', `sql/${name} needs a value for {{${key}}}`);
            return value;
          }),
    )
    .join('\n');
}
