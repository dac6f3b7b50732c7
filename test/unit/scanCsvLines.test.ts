import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { prefetchCsvScan, takeCsvScan } from '../../pipeline/ingest/prefetchCsvScan.js';
import { scanCsvLines } from '../../pipeline/ingest/scanCsvLines.js';

// scanCsvLines against a plain split of the same text: line count, and each long
// line's number, length and first 200 bytes — on files whose lines cross the read
// chunks (sized to the file since issue 18: 16 KiB .. 1 MiB), plain and gzipped.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-lines-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function reference(text: string, maxLineBytes: number) {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const longLines = lines
    .map((l, i) => ({ line: i + 1, bytes: Buffer.byteLength(l), head: Buffer.from(l).subarray(0, 200).toString('utf8') }))
    .filter((l) => l.bytes > maxLineBytes);
  return { physicalLines: lines.length, longLines };
}

function randomText(seed: number, totalBytes: number, longEvery: number): string {
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const parts: string[] = [];
  let size = 0;
  for (let n = 0; size < totalBytes; n++) {
    const len = n % longEvery === longEvery - 1 ? 3000 + Math.floor(rnd() * 400_000) : Math.floor(rnd() * 120);
    const line = Array.from({ length: Math.ceil(len / 10) }, (_, k) => `${n}-${k}abcdefgh`.slice(0, 10)).join('').slice(0, len);
    parts.push(line);
    size += line.length + 1;
  }
  return parts.join('\n') + (seed % 2 === 0 ? '\n' : '');
}

describe('scanCsvLines', () => {
  it.each([
    [1, 200, 7, false],
    [2, 40_000, 50, false],
    [3, 2_600_000, 40, false],
    [4, 2_600_000, 40, true],
    [5, 30_000, 3, true],
  ])('seed %i, %i bytes, every %ith line long, gzip %s: same lines and long lines as a plain split', async (seed, bytes, longEvery, gzip) => {
    const text = randomText(seed, bytes, longEvery);
    const file = path.join(dir, `f${seed}.csv${gzip ? '.gz' : ''}`);
    fs.writeFileSync(file, gzip ? zlib.gzipSync(text) : text);
    const expected = reference(text, 2500);
    expect(await scanCsvLines(file, 2500)).toEqual(expected);
    expect(expected.longLines.length > 0 || bytes < 1000).toBe(true);
  });

  it('a long line that starts a few bytes before a read chunk ends keeps its whole 200-byte head', async () => {
    const MiB = 1 << 20;
    const short = 'x'.repeat(99) + '\n'; // 100 bytes a line
    const before = short.repeat(Math.floor((MiB - 50) / 100)) + 'y'.repeat((MiB - 50) % 100 - 1) + '\n';
    const long = Array.from({ length: 600 }, (_, k) => `${k}`.padStart(10, '-')).join('');
    const text = before + long + '\n' + short.repeat(20_000);
    expect(Buffer.byteLength(before)).toBe(MiB - 50);
    const file = path.join(dir, 'boundary.csv');
    fs.writeFileSync(file, text);
    const scan = await scanCsvLines(file, 2500);
    expect(scan).toEqual(reference(text, 2500));
    expect(scan.longLines[0]!.head).toBe(long.slice(0, 200));
  });

  it('scans asked for ahead of time give the same answer, also when many wait their turn', async () => {
    const files = Array.from({ length: 30 }, (_, i) => {
      const f = path.join(dir, `p${i}.csv`);
      fs.writeFileSync(f, randomText(100 + i, 5000, 9));
      return f;
    });
    for (const f of files) prefetchCsvScan(f, 2500);
    // taken in another order than asked: a queued scan starts when taken
    const scans = await Promise.all([...files].reverse().map((f) => takeCsvScan(f, 2500)));
    expect(scans.reverse()).toEqual(files.map((f) => reference(fs.readFileSync(f, 'utf8'), 2500)));
  });
});
