import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { concatenateCsvBodies } from '../../pipeline/ingest/concatenateCsvBodies.js';

// The group read's concatenation (stageCsvGroup): the first file's header, then each file's lines
// after its header, byte for byte; the lines each file gave, or null for a file left out.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concat-bodies-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, `${n++}-${name}`);
  fs.writeFileSync(p, content);
  return p;
};

describe('concatenateCsvBodies', () => {
  it('keeps the bytes, drops the later headers, ends every file with a newline and counts its lines', async () => {
    const files = [
      file('a.csv', 'h1,h2\n1,"x,y"\n2,é\n'),
      file('b.csv.gz', zlib.gzipSync('h1,h2\n3,4\n')),
      file('c.csv', 'h1,h2'), // a header, no newline
      file('d.csv', 'h1,h2\n5,6'), // no newline at the end
      file('e.csv', '\uFEFFh1,h2\n7,8\n'),
    ];
    const target = path.join(dir, 'out1.csv');
    expect(await concatenateCsvBodies(files, target, 1 << 20)).toEqual([2, 1, 0, 1, 1]);
    expect(fs.readFileSync(target, 'utf8')).toBe('h1,h2\n1,"x,y"\n2,é\n3,4\n5,6\n7,8\n');
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
  });

  it('leaves out a file with a CR, a quoted header, more bytes than allowed (also once gunzipped) or that cannot be read', async () => {
    const bomb = zlib.gzipSync(`h1,h2\n${'1,2\n'.repeat(100_000)}`); // ~1 KB that inflates to 400 KB
    const files = [
      file('ok.csv', 'h1,h2\n1,2\n'),
      file('crlf.csv', 'h1,h2\r\n1,2\r\n'),
      file('cr-in-value.csv', 'h1,h2\n1\r,2\n'),
      file('quoted-header.csv', '"h1",h2\n1,2\n'),
      file('bomb.csv.gz', bomb),
      file('big.csv', `h1,h2\n${'1,2\n'.repeat(100_000)}`),
      file('broken.csv.gz', 'not gzip'),
      path.join(dir, 'missing.csv'),
      file('first-included-after-left-out.csv', 'h1,h2\n3,4\n'),
    ];
    const target = path.join(dir, 'out2.csv');
    expect(bomb.length).toBeLessThan(10_000);
    expect(await concatenateCsvBodies(files, target, 100_000)).toEqual([1, null, null, null, null, null, null, null, 1]);
    expect(fs.readFileSync(target, 'utf8')).toBe('h1,h2\n1,2\n3,4\n');
  });

  it('never writes over an existing file', async () => {
    const target = file('taken.csv', 'mine');
    await expect(concatenateCsvBodies([file('x.csv', 'a\n1\n')], target, 1000)).rejects.toThrow(/EEXIST/);
    expect(fs.readFileSync(target, 'utf8')).toBe('mine');
  });
});
