import fs from 'node:fs';
import { once } from 'node:events';
import { openFileStream } from './openFileStream.js';

/**
 * The text that stands in for a line too long to read: one field, so the CSV
 * reader rejects it as a line with missing columns, at the same physical line.
 */
export const LONG_LINE_MARKER = '__pipeline_line_too_long__';

/**
 * Copies a CSV file (gunzipped) to `outPath` with each of `lines` (1-based
 * physical line numbers) replaced by LONG_LINE_MARKER. Every other byte, and
 * so every line number, stays as it was.
 */
export async function copyWithoutLongLines(absPath: string, outPath: string, lines: number[]): Promise<void> {
  const skip = new Set(lines);
  const out = fs.createWriteStream(outPath);
  const write = async (buf: Buffer | string) => {
    if (!out.write(buf)) await once(out, 'drain');
  };
  let line = 1;
  try {
    for await (const chunk of openFileStream(absPath) as AsyncIterable<Buffer>) {
      let from = 0;
      while (from < chunk.length) {
        const nl = chunk.indexOf(10, from);
        const end = nl === -1 ? chunk.length : nl + 1;
        if (!skip.has(line)) await write(chunk.subarray(from, end));
        else if (nl !== -1) await write(`${LONG_LINE_MARKER}\n`);
        if (nl !== -1) line++;
        from = end;
      }
    }
    // a long last line without a newline
    if (skip.has(line)) await write(LONG_LINE_MARKER);
  } finally {
    out.end();
    await once(out, 'close');
  }
}
