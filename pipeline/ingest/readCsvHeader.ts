import fs from 'node:fs';
import zlib from 'node:zlib';

/**
 * The column names in a CSV file's header line (RFC 4180 quoting), read from
 * the first bytes only; `.gz` files are decompressed on the fly. Cheaper than
 * letting DuckDB sniff a sample of the file just to learn its columns.
 */
export async function readCsvHeader(absPath: string): Promise<string[]> {
  const raw = fs.createReadStream(absPath, { highWaterMark: 64 * 1024 });
  const stream = absPath.toLowerCase().endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
  let text = '';
  try {
    for await (const chunk of stream) {
      text += (chunk as Buffer).toString('utf8');
      if (headerEnd(text) >= 0 || text.length > 1 << 20) break;
    }
  } finally {
    raw.destroy();
    stream.destroy();
  }
  const end = headerEnd(text);
  return parseCsvLine(end >= 0 ? text.slice(0, end) : text);
}

/** Index of the newline ending the first record (outside quotes), or -1. */
export function headerEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return i;
  }
  return -1;
}

/** The fields of one CSV record (RFC 4180 quoting; a UTF-8 BOM is dropped); an empty line has none. */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  if (out.length === 1 && out[0] === '') return [];
  return out.map((c) => c.replace(/^\uFEFF/, ''));
}
