import fs from 'node:fs';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gunzip = promisify(zlib.gunzip);

const LF = 0x0a;
const QUOTE = 0x22;
const CR = 0x0d;
/** Files read ahead while earlier ones are written (each read whole: callers pass small files). */
const READ_AHEAD = 8;

/**
 * Writes `files` (CSV files with the same columns, each starting with its
 * header line) as ONE CSV file at `target`: the first file's header line, then
 * every file's lines after its header, byte for byte, in order (a file whose
 * last line has no newline gets one). DuckDB's reader then reads them as one
 * file (one parallel scan) instead of one file at a time (~1.5 ms per file:
 * 4,000 files of 500 rows read as one list cost 3x the same rows in one file).
 *
 * Returns the number of lines each file contributed (its records, when the
 * caller's read proves every line is one record: as many rows as lines, no
 * line rejected — a record is never shorter than a line, so a value quoted
 * across lines, even across files, shows as fewer rows), or null for a file
 * left out: one holding a carriage return (a record could end at it), a quote
 * character in its header line (the header might not be one line), or more
 * than `maxFileBytes` (after gunzip; so no line is longer), or one that cannot
 * be read. Files are
 * read whole, READ_AHEAD at a time; the target is created new (never
 * overwritten), readable by its owner only. A write error is thrown.
 */
export async function concatenateCsvBodies(files: readonly string[], target: string, maxFileBytes: number): Promise<(number | null)[]> {
  const out = await fs.promises.open(target, 'wx', 0o600);
  const pending: Promise<Buffer | undefined>[] = [];
  try {
    const lines: (number | null)[] = [];
    let first = true;
    const read = (i: number) => readWhole(files[i]!, maxFileBytes);
    for (let i = 0; i < Math.min(READ_AHEAD, files.length); i++) pending.push(read(i));
    for (let i = 0; i < files.length; i++) {
      const bytes = await pending.shift()!;
      if (i + READ_AHEAD < files.length) pending.push(read(i + READ_AHEAD));
      const headerEnd = bytes ? bytes.indexOf(LF) : -1;
      if (!bytes || bytes.indexOf(CR) !== -1 || bytes.subarray(0, headerEnd === -1 ? bytes.length : headerEnd).indexOf(QUOTE) !== -1) {
        lines.push(null);
        continue;
      }
      // a file that is only its header line (with or without a newline) contributes no line
      const body = headerEnd === -1 ? bytes.subarray(bytes.length) : bytes.subarray(headerEnd + 1);
      if (first) {
        first = false;
        await writeAll(out, headerEnd === -1 ? bytes : bytes.subarray(0, headerEnd + 1));
        if (headerEnd === -1) await writeAll(out, Buffer.from([LF]));
      }
      let count = 0;
      for (let at = body.indexOf(LF); at !== -1; at = body.indexOf(LF, at + 1)) count++;
      await writeAll(out, body);
      if (body.length > 0 && body[body.length - 1] !== LF) {
        await writeAll(out, Buffer.from([LF]));
        count++;
      }
      lines.push(count);
    }
    return lines;
  } finally {
    await Promise.allSettled(pending); // reads still running when it stopped early
    await out.close();
  }
}

/**
 * The file's bytes (gunzipped), or undefined past `maxBytes` (a .gz may hold
 * far more than its size) or when it cannot be read (the per-file path
 * reports why).
 */
async function readWhole(file: string, maxBytes: number): Promise<Buffer | undefined> {
  try {
    const raw = await fs.promises.readFile(file);
    if (!file.toLowerCase().endsWith('.gz')) return raw.length > maxBytes ? undefined : raw;
    return await gunzip(raw, { maxOutputLength: maxBytes });
  } catch {
    return undefined;
  }
}

async function writeAll(out: fs.promises.FileHandle, bytes: Buffer): Promise<void> {
  for (let done = 0; done < bytes.length; ) done += (await out.write(bytes, done, bytes.length - done)).bytesWritten;
}
