import fs from 'node:fs';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { readChunkBytes } from './readChunkBytes.js';

/** The file's bytes as a stream, gunzipped on the fly when the name ends in `.gz`. */
export function openFileStream(absPath: string): Readable {
  const raw = fs.createReadStream(absPath, { highWaterMark: readChunkBytes(absPath) });
  if (!absPath.toLowerCase().endsWith('.gz')) return raw;
  const gunzip = zlib.createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}
