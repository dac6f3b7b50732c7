import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PipelineError } from '../errors/PipelineError.js';
import { isProcessAlive } from '../export/isProcessAlive.js';
import { mapWithConcurrency } from './mapWithConcurrency.js';

/** Characters DuckDB's file readers treat as glob syntax (or its escape). */
const GLOB_CHARS = /[*?[\]{}\\]/;

/** Folder names: pipeline-read-<owner pid>-<random>. */
const PREFIX = 'pipeline-read-';
const OWNED = /^pipeline-read-(\d+)-/;

/**
 * A private temp folder where a file is offered to DuckDB's readers under a
 * plain name. DuckDB treats every path it reads as a glob pattern: a drop file
 * named `o[1].csv` would read `o1.csv`, and `*.csv` every file. A producer's
 * file name therefore never reaches SQL: the reader gets a symlink (or a
 * cleaned copy) named `input.csv`, `input.json.gz`, … in this folder. The
 * folder's name carries the owner's pid: a process killed before it removed
 * its folder (kill -9) leaves it behind, and removeStaleReadDirs clears it.
 */
export class PrivateReadDir {
  private constructor(readonly dir: string) {}

  static create(): PrivateReadDir {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${PREFIX}${process.pid}-`));
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
    const target = this.linkName(absPath, baseName);
    fs.symlinkSync(path.resolve(absPath), target);
    return target;
  }

  /**
   * link() for many files, made on libuv's threads a few at a time (a group's
   * 2,000 links one by one on the main thread: ~0.3 s of a 4,003-file build).
   */
  async linkAll(files: readonly { absPath: string; baseName: string }[]): Promise<string[]> {
    return mapWithConcurrency(files, 16, async ({ absPath, baseName }) => {
      const target = this.linkName(absPath, baseName);
      await fs.promises.symlink(path.resolve(absPath), target);
      return target;
    });
  }

  private linkName(absPath: string, baseName: string): string {
    return this.file(`${baseName}${absPath.toLowerCase().endsWith('.gz') ? '.gz' : ''}`);
  }

  /** `message` with every path inside this folder replaced by `userPath` (the file the user dropped). */
  userFacing(message: string, userPath: string): string {
    return message.split(this.dir + path.sep).map((part, i) => (i === 0 ? part : userPath + part.replace(/^[\w.-]*/, ''))).join('');
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Removes the folder on libuv's threads while the run goes on (a group's
   * folder holds up to 2,000 links: removed in line, 1.6 s of a 4,000-file
   * first build). settleReadDirRemovals() waits for every one started.
   */
  removeInBackground(): void {
    const removal = fs.promises.rm(this.dir, { recursive: true, force: true, maxRetries: 2 }).catch(() => {
      // a folder left behind is cleared as stale by a later run (removeStaleReadDirs)
    });
    removals.add(removal);
    void removal.finally(() => removals.delete(removal));
  }
}

const removals = new Set<Promise<void>>();

/** Waits until every removeInBackground() started so far is done. */
export async function settleReadDirRemovals(): Promise<void> {
  while (removals.size > 0) await Promise.all([...removals]);
}

/**
 * Removes the read folders (PrivateReadDir) of processes that no longer run:
 * ours (same uid), real directories, whose owner pid is dead. Returns how many.
 * Anything it cannot examine or remove is left alone.
 */
export function removeStaleReadDirs(tmpDir = os.tmpdir()): number {
  let entries: string[];
  try {
    entries = fs.readdirSync(tmpDir);
  } catch {
    return 0;
  }
  const uid = process.getuid?.();
  let removed = 0;
  for (const name of entries) {
    const owner = OWNED.exec(name);
    if (!owner) continue;
    const pid = Number(owner[1]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    const dir = path.join(tmpDir, name);
    try {
      const stat = fs.lstatSync(dir);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      removed++;
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}
