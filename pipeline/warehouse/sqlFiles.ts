import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../errors/PipelineError.js';

export type SqlKind = 'migrations' | 'staging' | 'state' | 'marts' | 'tests';
export const SQL_KINDS: SqlKind[] = ['migrations', 'staging', 'state', 'marts', 'tests'];

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

/** Every .sql file under sql/, in application order (kind, then name). */
export function listSqlFiles(sqlDir: string = SQL_DIR): SqlFile[] {
  const files: SqlFile[] = [];
  for (const kind of SQL_KINDS) {
    const dir = path.join(sqlDir, kind);
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
      const text = fs.readFileSync(path.join(dir, entry), 'utf8');
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

const cache = new Map<string, string>();

/** Reads sql/<name> and fills its {{placeholders}}; every placeholder must be given. */
export function renderSql(name: string, params: Record<string, string> = {}): string {
  let text = cache.get(name);
  if (text === undefined) {
    const file = path.join(SQL_DIR, name);
    if (!fs.existsSync(file)) throw new PipelineError('SQL_FILE_MISSING', `sql/${name} is missing`);
    text = fs.readFileSync(file, 'utf8');
    cache.set(name, text);
  }
  // Placeholders in `--` comment lines are documentation, not substituted
  // (a multi-line value there would spill out of the comment).
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
