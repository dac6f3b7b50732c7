import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { hashFile } from '../../pipeline/ingest/hashFile.js';
import { readCsvHeader } from '../../pipeline/ingest/readCsvHeader.js';

// readCsvHeader reads the first 64 KiB with one read, or takes the first bytes the hash read kept
// (gunzipping what it got), and goes on as a stream only when the header is longer: every way,
// plain and gzipped, gives the header's fields.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csv-header-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const longName = (i: number) => `column ${i} ${'x'.repeat(300)}`;
const wide = Array.from({ length: 400 }, (_, i) => longName(i)); // ~120 KB: past the first read

describe('readCsvHeader', () => {
  it.each([
    ['a plain header', 'Order ID,Customer ID\n1,2\n', ['Order ID', 'Customer ID']],
    ['CRLF', 'a,b\r\n1,2\r\n', ['a', 'b']],
    ['a quoted name holding a comma and a newline', '"a,\nb",c\n1,2,3\n', ['a,\nb', 'c']],
    ['a BOM', '\uFEFFa,b\n1,2\n', ['a', 'b']],
    ['only a header, no newline', 'a,b', ['a', 'b']],
    ['an empty file', '', []],
    ['a header longer than the first read', wide.join(',') + '\n1\n', wide],
    ['a header longer than the first read, quoted', wide.map((c) => `"${c}"`).join(',') + '\n1\n', wide],
  ])('%s: plain and gzipped', async (_, text, expected) => {
    const rows = 'r'.repeat(200_000) + '\n'; // a body past the first read as well
    for (const gz of [false, true]) {
      const file = path.join(dir, `h${Math.random().toString(36).slice(2)}.csv${gz ? '.gz' : ''}`);
      const body = /[\r\n]/.test(text) ? text + rows : text; // a file without a newline is its header alone
      fs.writeFileSync(file, gz ? zlib.gzipSync(body) : body);
      expect(await readCsvHeader(file), gz ? 'gzipped' : 'plain').toEqual(expected);
      // from the first bytes the hash read kept (planBatch), however few: the same fields
      for (const headBytes of [4096, 16, 1]) {
        const { head } = await hashFile(file, headBytes);
        expect(await readCsvHeader(file, head), `${gz ? 'gzipped' : 'plain'}, head of ${headBytes} bytes`).toEqual(expected);
      }
    }
  });

  it('hashFile keeps the first bytes it hashed, and says whether they are the whole file', async () => {
    const file = path.join(dir, 'head.csv');
    fs.writeFileSync(file, 'abcdef');
    expect(await hashFile(file, 4)).toEqual({ hash: expect.any(String), head: { bytes: Buffer.from('abcd'), whole: false } });
    expect(await hashFile(file, 6)).toEqual({ hash: expect.any(String), head: { bytes: Buffer.from('abcdef'), whole: true } });
    expect((await hashFile(file, 4)).hash).toBe((await hashFile(file)).hash);
  });

  it('a gzip file whose first 64 KiB inflate to far more than a header still gives its header', async () => {
    const file = path.join(dir, 'dense.csv.gz');
    fs.writeFileSync(file, zlib.gzipSync('a,b\n' + '1,2\n'.repeat(20_000_000))); // 80 MB in ~80 KB
    expect(await readCsvHeader(file)).toEqual(['a', 'b']);
  });

  it('a broken gzip file is an error, not a header', async () => {
    const file = path.join(dir, 'broken.csv.gz');
    fs.writeFileSync(file, Buffer.from('not gzip at all, just text\n'));
    await expect(readCsvHeader(file)).rejects.toThrow();
  });
});
