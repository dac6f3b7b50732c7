import { openFileStream } from './openFileStream.js';

/** A physical line longer than the reader may hold. */
export interface LongLine {
  /** 1-based physical line number (header = 1). */
  line: number;
  bytes: number;
  /** The line's first bytes, for the reject record. */
  head: string;
}

export interface CsvLineScan {
  /** Physical lines: newline characters, plus a last line without one. */
  physicalLines: number;
  longLines: LongLine[];
}

const HEAD_BYTES = 200;

/**
 * Counts a CSV file's physical lines and finds those longer than `maxLineBytes`
 * (newline search is native, so this costs about as much as hashing the file).
 * The count lets the stager prove that every line the reader consumed is
 * accounted for; long lines are taken out before DuckDB reads the file, because
 * its reader drops a line longer than its buffer without a trace.
 */
export async function scanCsvLines(absPath: string, maxLineBytes: number): Promise<CsvLineScan> {
  let newlines = 0;
  let lineStart = 0; // absolute offset where the current line starts
  let offset = 0; // absolute offset of the current chunk
  let lastByte = -1;
  let head: Buffer[] = [];
  let headBytes = 0;
  const longLines: LongLine[] = [];
  const keepHead = (chunk: Buffer, from: number, to: number) => {
    if (headBytes >= HEAD_BYTES || to <= from) return;
    const part = chunk.subarray(from, Math.min(to, from + HEAD_BYTES - headBytes));
    head.push(part);
    headBytes += part.length;
  };
  const endLine = (endOffset: number) => {
    const bytes = endOffset - lineStart;
    if (bytes > maxLineBytes) {
      longLines.push({ line: newlines + 1, bytes, head: Buffer.concat(head).toString('utf8') });
    }
    head = [];
    headBytes = 0;
  };
  for await (const chunk of openFileStream(absPath) as AsyncIterable<Buffer>) {
    let from = 0;
    let i = chunk.indexOf(10);
    while (i !== -1) {
      // The head of a line is cut only for a long line: a line that began in this
      // chunk from the chunk itself, one that began earlier from the parts kept below.
      if (offset + i - lineStart > maxLineBytes && lineStart >= offset) head = [chunk.subarray(from, Math.min(i, from + HEAD_BYTES))];
      else if (from === 0) keepHead(chunk, from, i);
      endLine(offset + i);
      newlines++;
      lineStart = offset + i + 1;
      from = i + 1;
      i = chunk.indexOf(10, from);
    }
    // the open line's first bytes, for when it turns out long in a later chunk
    keepHead(chunk, from, chunk.length);
    if (chunk.length > 0) lastByte = chunk[chunk.length - 1]!;
    offset += chunk.length;
  }
  const unterminated = offset > 0 && lastByte !== 10;
  if (unterminated) endLine(offset);
  return { physicalLines: newlines + (unterminated ? 1 : 0), longLines };
}
