import fs from 'node:fs';
import path from 'node:path';
import { PipelineError } from '../errors/PipelineError.js';

/**
 * Checks the `--parquet` argument and makes sure the folder exists, before the
 * warehouse is opened: an empty or missing value (a bare `--parquet`), a path
 * that is a file, or a folder that cannot be created is a USAGE error at once.
 * The folders are created one level at a time (fs.mkdirSync's recursive mode
 * loops forever under /proc, where mkdir says ENOENT for an existing parent).
 * Returns the absolute folder.
 */
export function prepareParquetTarget(value: unknown): string {
  if (Array.isArray(value)) throw new PipelineError('USAGE', '--parquet was given more than once: name one folder');
  if (typeof value !== 'string' || value.trim() === '') {
    throw new PipelineError('USAGE', '--parquet needs a folder to write the snapshot to, e.g. --parquet lake/');
  }
  const root = path.resolve(value);
  const missing: string[] = [];
  let existing = root;
  for (;;) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(existing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw unusable(root, existing, error);
    }
    if (stat) {
      if (!stat.isDirectory()) throw new PipelineError('USAGE', `--parquet ${value}: ${existing} is not a folder`);
      break;
    }
    const parent = path.dirname(existing);
    if (parent === existing) throw new PipelineError('USAGE', `--parquet ${value}: no folder on the way to ${root} exists`);
    missing.unshift(existing);
    existing = parent;
  }
  for (const dir of missing) {
    try {
      fs.mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(dir).isDirectory()) continue;
      throw unusable(root, dir, error);
    }
  }
  try {
    fs.accessSync(root, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    throw unusable(root, root, error);
  }
  return root;
}

function unusable(root: string, at: string, error: unknown): PipelineError {
  const e = error as NodeJS.ErrnoException;
  return new PipelineError('USAGE', `--parquet ${root}: cannot create or write the folder ${at} (${e.code ?? e.message})`, { cause: error });
}
