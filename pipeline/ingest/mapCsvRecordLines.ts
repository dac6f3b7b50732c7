import fs from 'node:fs';
import { once } from 'node:events';
import { openFileStream } from './openFileStream.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * For files whose records and physical lines do not line up one to one (a
 * quoted field holding a newline, blank lines): walks the file as the CSV
 * reader does (RFC 4180 quoting, `""` inside quotes) and writes, for every
 * non-blank record after the header, `reader_line,physical_line` to `outPath`
 * as CSV. `reader_line` is the record's position counting the header and blank
 * lines as DuckDB's reject tables do; `physical_line` is the line it starts on.
 * Returns how many such records there are.
 */
export async function mapCsvRecordLines(absPath: string, outPath: string): Promise<number> {
  const out = fs.createWriteStream(outPath);
  let pending = 'reader_line,physical_line\n';
  const flush = async (force: boolean) => {
    if (pending.length < 1 << 16 && !force) return;
    if (!out.write(pending)) await once(out, 'drain');
    pending = '';
  };
  let physical = 1; // current physical line
  let recordStart = 1; // physical line the current record starts on
  let readerLine = 1; // the current record's position (header = 1)
  let bytesInRecord = 0; // non-CR bytes seen in the current record
  let quoted = false;
  let quoteSeen = false; // previous byte was a quote while quoted (maybe an escaped "")
  let fieldStart = true;
  let records = 0;
  const endRecord = async () => {
    if (bytesInRecord > 0 && readerLine > 1) {
      pending += `${readerLine},${recordStart}\n`;
      records++;
      await flush(false);
    }
    readerLine++;
    bytesInRecord = 0;
    fieldStart = true;
  };
  try {
    for await (const chunk of openFileStream(absPath) as AsyncIterable<Buffer>) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (quoted) {
          if (quoteSeen) {
            quoteSeen = false;
            if (b === QUOTE) continue; // "" is a literal quote
            quoted = false; // the previous quote closed the field: fall through
          } else {
            if (b === QUOTE) quoteSeen = true;
            if (b === LF) physical++;
            bytesInRecord++;
            continue;
          }
        }
        if (b === LF) {
          await endRecord();
          physical++;
          recordStart = physical;
          continue;
        }
        if (b !== CR) bytesInRecord++;
        if (b === QUOTE && fieldStart) {
          quoted = true;
          fieldStart = false;
          continue;
        }
        fieldStart = b === COMMA;
      }
    }
    if (bytesInRecord > 0) await endRecord();
    await flush(true);
  } finally {
    out.end();
    await once(out, 'close');
  }
  return records;
}
