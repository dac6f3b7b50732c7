import path from 'node:path';
import { PipelineError } from '../../errors/PipelineError.js';
import { DATASET_LIST } from '../../ingest/datasets.js';
import { ignoredNameReason, type DroppedFile, type ScanResult } from '../../ingest/scanDropFolders.js';
import type { SparkLake } from './SparkLake.js';
import { isLakeUri } from './SparkLake.js';
import { sparkPathIdentifier } from './sparkQuote.js';

/** A dropped file as Spark lists it; mtimeMs is the storage's modification time. */
export interface SparkDroppedFile extends DroppedFile {
  /** The path Spark reads it by (absolute path or URI). */
  sparkPath: string;
  mtimeUs: number;
}

function join(base: string, name: string): string {
  return isLakeUri(base) ? `${base.replace(/\/+$/, '')}/${name}` : path.join(base, name);
}

/** A path as Spark returns it (file:/a/b) back to the form it was given in. */
function fromSparkPath(p: string, dataDir: string): string {
  if (!isLakeUri(dataDir) && p.startsWith('file:')) return p.replace(/^file:(\/\/)?/, '/').replace(/^\/+/, '/');
  return p;
}

/**
 * Lists the drop folders through Spark (the storage Spark reads, which may not
 * be this machine's): name, size and modification time of each file, from the
 * binaryFile source without its content column, so no data is read. Same
 * policy as scanDropFolders: hidden and temp names and unknown extensions are
 * reported in `ignored`; not recursive; arrival order = mtime, then path.
 * (Hadoop's listing hides names starting with _ or . itself.)
 */
export async function listDropsOnSpark(l: SparkLake, dataDir: string): Promise<{ scan: ScanResult; files: SparkDroppedFile[] }> {
  const files: SparkDroppedFile[] = [];
  const ignored: ScanResult['ignored'] = [];
  for (const spec of DATASET_LIST) {
    const dir = join(dataDir, spec.folder);
    let rows: { path: string; length: bigint; mtime_us: bigint }[];
    try {
      rows = await l.all(
        `SELECT path, length, unix_micros(modificationTime) AS mtime_us FROM binaryFile.${sparkPathIdentifier(dir)}`,
      );
    } catch (e) {
      // a missing drop folder simply has no files
      if (e instanceof PipelineError && /PATH_NOT_FOUND|does not exist/i.test(e.message)) continue;
      throw e;
    }
    for (const r of rows) {
      const sparkPath = fromSparkPath(String(r.path), dataDir);
      const name = sparkPath.slice(sparkPath.lastIndexOf('/') + 1);
      const rel = `${spec.folder}/${name}`;
      const skip = ignoredNameReason(name);
      if (skip) {
        ignored.push({ path: rel, reason: skip });
        continue;
      }
      if (!spec.extensions.some((ext) => name.toLowerCase().endsWith(ext))) {
        ignored.push({ path: rel, reason: `not a ${spec.extensions.join('/')} file` });
        continue;
      }
      const mtimeUs = Number(r.mtime_us);
      files.push({ path: rel, absPath: sparkPath, sparkPath, dataset: spec.name, size: Number(r.length), mtimeMs: mtimeUs / 1000, mtimeUs });
    }
  }
  files.sort((a, b) => a.mtimeUs - b.mtimeUs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { scan: { files, ignored }, files };
}
