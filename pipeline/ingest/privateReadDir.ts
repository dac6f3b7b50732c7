import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PipelineError } from '../errors/PipelineError.js';

/** Characters DuckDB's file readers treat as glob syntax (or its escape). */
const GLOB_CHARS = /[*?[\]{}\\]/;

/**
 * A private temp folder where a file is offered to DuckDB's readers under a
 * plain name. DuckDB treats every path it reads as a glob pattern: a drop file
 * named `o[1].csv` would read `o1.csv`, and `*.csv` every file. A producer's
 * file name therefore never reaches SQL: the reader gets a symlink (or a
 * cleaned copy) named `input.csv`, `input.json.gz`, … in this folder.
 */
export class PrivateReadDir {
  private constructor(readonly dir: string) {}

  static create(): PrivateReadDir {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-read-'));
    if (GLOB_CHARS.test(dir)) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new PipelineError(
        'CONFIG_INVALID',
        `the temp folder ${os.tmpdir()} has glob characters (* ? [ ] { } \\) in its path; set TMPDIR to a plain path`,
      );
    }
    return new PrivateReadDir(dir);
  }

  /** A path for `name` (a fixed, glob-free name chosen by the pipeline) inside the folder. */
  file(name: string): string {
    if (GLOB_CHARS.test(name) || name.includes('/')) throw new PipelineError('INTERNAL', `not a plain file name: ${name}`);
    return path.join(this.dir, name);
  }

  /** A glob-free symlink to `absPath`, keeping the compression suffix DuckDB detects (`.gz`). */
  link(absPath: string, baseName: string): string {
    const target = this.file(`${baseName}${absPath.toLowerCase().endsWith('.gz') ? '.gz' : ''}`);
    fs.symlinkSync(path.resolve(absPath), target);
    return target;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
