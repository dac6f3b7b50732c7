import { describe, expect, it } from 'vitest';
import { headerEnd, parseCsvLine } from '../../pipeline/ingest/readCsvHeader.js';

describe('CSV header line parsing', () => {
  it('splits on commas, honours RFC 4180 quotes and doubled quotes, drops a BOM', () => {
    expect(parseCsvLine('Order ID,"Distance (m)","a ""b"", c"')).toEqual(['Order ID', 'Distance (m)', 'a "b", c']);
    expect(parseCsvLine('\uFEFFOrder ID,SKU')).toEqual(['Order ID', 'SKU']);
    expect(parseCsvLine('a,,b,')).toEqual(['a', '', 'b', '']);
  });

  it('an empty line has no columns', () => {
    expect(parseCsvLine('')).toEqual([]);
  });

  it('the header ends at the first newline outside quotes (LF or CR)', () => {
    expect(headerEnd('a,b\n1,2')).toBe(3);
    expect(headerEnd('a,b\r\n1,2')).toBe(3);
    expect(headerEnd('"multi\nline",b\n1,2')).toBe(14);
    expect(headerEnd('a,b')).toBe(-1);
  });
});
