import crypto from 'node:crypto';
import fs from 'node:fs';
import { readChunkBytes } from './readChunkBytes.js';

/** A file's first bytes as they were hashed (a copy), and whether they are the whole file. */
export interface FileHead {
  bytes: Buffer;
  whole: boolean;
}

/** Files up to this size are read with one synchronous read (a stream per file: ~0.5 ms of CPU each). */
const SMALL_FILE_BYTES = 1 << 20;

/** A small regular file's bytes, read at once; undefined for a bigger one (streamed) or one stat cannot see (the stream says why). */
function smallFileBytes(absPath: string): Buffer | undefined {
  try {
    const stat = fs.statSync(absPath);
    if (!stat.isFile() || stat.size > SMALL_FILE_BYTES) return undefined;
    const bytes = fs.readFileSync(absPath);
    return bytes.length <= SMALL_FILE_BYTES ? bytes : undefined; // grown since: streamed
  } catch {
    return undefined;
  }
}

/**
 * sha256 of a file's bytes (a small file read at once, a bigger one streamed); with `headBytes`, also its first
 * `headBytes` bytes (copied: the read buffers are not kept), so that a CSV
 * file's header line need not be read again (stageNewVersions: 4,003 small
 * files read once more for their header cost ~1-2 s).
 */
export async function hashFile(absPath: string, headBytes = 0): Promise<{ hash: string; head?: FileHead }> {
  const small = smallFileBytes(absPath);
  if (small) {
    const digest = crypto.createHash('sha256').update(small).digest('hex');
    if (headBytes === 0) return { hash: digest };
    return { hash: digest, head: { bytes: Buffer.from(small.subarray(0, headBytes)), whole: small.length <= headBytes } };
  }
  const hash = crypto.createHash('sha256');
  const head: Buffer[] = [];
  let kept = 0;
  let total = 0;
  for await (const chunk of fs.createReadStream(absPath, { highWaterMark: readChunkBytes(absPath) }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (kept < headBytes) {
      const part = Buffer.from(chunk.subarray(0, headBytes - kept));
      head.push(part);
      kept += part.length;
    }
    total += chunk.length;
  }
  const digest = hash.digest('hex');
  return headBytes > 0 ? { hash: digest, head: { bytes: Buffer.concat(head), whole: total <= headBytes } } : { hash: digest };
}
