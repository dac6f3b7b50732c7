import crypto from 'node:crypto';
import fs from 'node:fs';
import { readChunkBytes } from './readChunkBytes.js';

/** sha256 of a file's bytes, streamed. */
export async function hashFile(absPath: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(absPath, { highWaterMark: readChunkBytes(absPath) })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
