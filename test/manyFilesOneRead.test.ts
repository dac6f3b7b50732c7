import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { diffEcommerce, ECOMMERCE_ORDERED, makeWorkspace, type Workspace } from './support/fixtures.js';

// New CSV files of a dataset with an identical header line are staged by one
// multi-file read (pipeline/ingest/stageCsvGroup.ts); files that need the
// per-file path (reader rejects, records spanning lines, broken quoting) leave
// the group. Whatever the grouping, a drop of many files must give exactly
// what loading the same files one per run gives.

const ORDERS_HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n';
const DELIVERIES_HEADER = 'Order ID,Distance(m)\n';

const truncatedGzip = (() => {
  const full = zlib.gzipSync(DELIVERIES_HEADER + Array.from({ length: 5000 }, (_, k) => `${1000 + k},${k}\n`).join(''));
  return full.subarray(0, Math.floor(full.length * 0.6));
})();

/** [path, content] in arrival order (mtime = index + 1). */
function drop(): [string, string | Buffer][] {
  const orders = (from: number, n: number, customer = 1) =>
    Array.from({ length: n }, (_, k) => `${from + k},${customer + ((from + k) % 3)},2024-03-0${1 + ((from + k) % 5)} 10:00:00,S${k},${1 + (k % 4)},${10 + k}.5\n`).join('');
  return [
    ['Customers/c.ndjson', '{"Customer ID": 1}\n{"Customer ID": 2}\n{"Customer ID": 3}\n'],
    ['Orders/o01.csv', ORDERS_HEADER + orders(1, 5)],
    ['Orders/o02.csv', ORDERS_HEADER + orders(6, 4)],
    // a value the staging SQL rejects (line 3), in the group
    ['Orders/o03.csv', `${ORDERS_HEADER}11,1,2024-03-01 10:00:00,A,2,5\n12,1,2024-03-01 10:00:00,A,2.5,5\n13,2,2024-03-02 10:00:00,B,1,7\n`],
    // gzip, same header; corrects order 2 (the latest file wins) and repeats order 14 (the last row wins)
    ['Orders/o04.csv.gz', zlib.gzipSync(`${ORDERS_HEADER}2,3,2024-03-04 09:00:00,Z,9,99.5\n14,1,2024-03-03 10:00:00,C,1,1\n14,1,2024-03-03 10:00:00,C,3,30\n`)],
    // a record with a field too many: rejected by the reader
    ['Orders/o05.csv', `${ORDERS_HEADER}15,1,2024-03-01 10:00:00,A,1,5\n16,1,2024-03-01 10:00:00,A,1,5,extra\n17,2,2024-03-01 10:00:00,A,1,6\n`],
    // broken quoting: the reader rejects the record the open quote swallows
    ['Orders/o06.csv', `${ORDERS_HEADER}18,1,2024-03-01 10:00:00,"A,1,5\n19,1,2024-03-01 10:00:00,A,1,5\n`],
    // a quoted field spanning lines and a blank line: exact physical line numbers (bad quantity on line 6)
    ['Orders/o07.csv', `${ORDERS_HEADER}20,1,2024-03-01 10:00:00,"multi\nline",1,5\n\n21,2,2024-03-01 10:00:00,A,1,6\n22,2,2024-03-01 10:00:00,A,x,6\n`],
    // header only
    ['Orders/o08.csv', ORDERS_HEADER],
    // a required column missing: quarantined
    ['Orders/o09.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity\n30,1,2024-03-01 10:00:00,A,1\n'],
    ['Orders/o10.csv', ORDERS_HEADER + orders(40, 6, 2)],
    // a producer column named like the reader's file column: an ordinary extra column
    ['Orders/o11.csv', `Order ID,Customer ID,Order Time,SKU,Quantity,Order Total,pipeline file\n50,1,2024-03-01 10:00:00,A,1,5,x\n`],
    ['Orders/o12.csv', `Order ID,Customer ID,Order Time,SKU,Quantity,Order Total,pipeline file\n51,2,2024-03-01 10:00:00,A,1,5,y\n`],
    ['Deliveries/d01.csv', `${DELIVERIES_HEADER}1,100\n2,200\n3,abc\n`],
    ['Deliveries/d02.csv', `${DELIVERIES_HEADER}4,400\n"YR-5,0",500\n2,250\n`],
    ['Deliveries/d03.csv', `${DELIVERIES_HEADER}11,10\n14,14\n40,40\n41,41\n`],
    // a gzip file cut short: its header reads, the rest does not; quarantined, its group read file by file
    ['Deliveries/d04.csv.gz', truncatedGzip],
    ['Deliveries/d05.csv', `${DELIVERIES_HEADER}42,42\n43,43\n`],
  ];
}

const LEDGER = `SELECT file_id, path, dataset, status, rows_read, rows_loaded, rows_rejected, reason FROM pipeline_files ORDER BY file_id`;
const REJECTS = `SELECT file_id, path, dataset, line, column_name, reason, raw_record FROM pipeline_rejects ORDER BY file_id, line`;
const RAW = `SELECT _file_id, _row, _line, Order_ID, Customer_ID, SKU, Quantity, Order_Total FROM raw_orders ORDER BY _file_id, _row`;
const RAW_DELIVERIES = `SELECT _file_id, _row, _line, Order_ID, Distance_m FROM raw_deliveries ORDER BY _file_id, _row`;

describe('many files are one read', () => {
  const spaces: Workspace[] = [];
  afterEach(() => {
    for (const ws of spaces.splice(0)) ws.cleanup();
  });

  it('a many-file drop gives the same ledger, rejects, raw rows and ecommerce as the same files one per run', async () => {
    const together = makeWorkspace('many-files-together');
    const oneByOne = makeWorkspace('many-files-one-by-one');
    spaces.push(together, oneByOne);
    const files = drop();
    files.forEach(([rel, content], i) => together.write(rel, content, i + 1));
    const report = await together.run();
    for (const [i, [rel, content]] of files.entries()) {
      oneByOne.write(rel, content, i + 1);
      await oneByOne.run();
    }

    // Every file accounted for: read = loaded + rejected; the bad ones quarantined, the others loaded.
    for (const f of report.files) expect(f.rowsRead, f.path).toBe(f.rowsLoaded + f.rowsRejected);
    expect(report.files.filter((f) => f.status === 'quarantined').map((f) => f.path)).toEqual(['Orders/o09.csv', 'Deliveries/d04.csv.gz']);
    expect(report.files.filter((f) => f.status === 'loaded')).toHaveLength(files.length - 2);

    const ledger = await together.query(LEDGER);
    expect(ledger).toEqual(await oneByOne.query(LEDGER));
    expect(ledger.map((r) => r.path)).toEqual(files.map(([rel]) => rel));

    const rejects = await together.query(REJECTS);
    expect(rejects).toEqual(await oneByOne.query(REJECTS));
    expect(rejects.map((r) => [r.path, r.line, r.column_name])).toEqual([
      ['Orders/o03.csv', 3, 'Quantity'],
      ['Orders/o05.csv', 3, null],
      ['Orders/o06.csv', 2, 'SKU'],
      ['Orders/o07.csv', 6, 'Quantity'],
      ['Deliveries/d01.csv', 4, 'Distance_m'],
    ]);

    expect(await together.query(RAW)).toEqual(await oneByOne.query(RAW));
    expect(await together.query(RAW_DELIVERIES)).toEqual(await oneByOne.query(RAW_DELIVERIES));
    const extra = `SELECT Order_ID, pipeline_file FROM raw_orders WHERE pipeline_file IS NOT NULL ORDER BY 1`;
    expect(await together.query(extra)).toEqual([
      { Order_ID: 50, pipeline_file: 'x' },
      { Order_ID: 51, pipeline_file: 'y' },
    ]);
    expect(await oneByOne.query(extra)).toEqual(await together.query(extra));
    // The latest file wins (order 2 from o04.csv.gz), the last row within a file wins (order 14: quantity 3).
    expect(await together.query(`SELECT Order_ID, SKU, Quantity FROM cur_orders WHERE Order_ID IN (2, 14) ORDER BY 1`)).toEqual([
      { Order_ID: 2, SKU: 'Z', Quantity: 9 },
      { Order_ID: 14, SKU: 'C', Quantity: 3 },
    ]);
    const ecommerce = await together.query(ECOMMERCE_ORDERED);
    expect(ecommerce.length).toBeGreaterThan(0);
    expect(diffEcommerce(ecommerce, await oneByOne.query(ECOMMERCE_ORDERED))).toEqual([]);
  });

  /** Runs `ws.run()` with PIPELINE_PROFILE=1 and returns how many files each concatenated read took (its profile lines). */
  async function runCountingConcatenations(ws: Workspace): Promise<{ report: Awaited<ReturnType<Workspace['run']>>; concatenated: number[] }> {
    const concatenated: number[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const before = process.env.PIPELINE_PROFILE;
    process.env.PIPELINE_PROFILE = '1';
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const m = /\[profile\] stage +\d+ ms {2}concatenated (\d+) files/.exec(String(chunk));
      if (m) concatenated.push(Number(m[1]));
      return m || String(chunk).startsWith('[profile]') ? true : (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      return { report: await ws.run(), concatenated };
    } finally {
      process.stderr.write = write;
      if (before === undefined) delete process.env.PIPELINE_PROFILE;
      else process.env.PIPELINE_PROFILE = before;
    }
  }

  it('small files read as one concatenated file: same ledger, rejects (file, line), raw rows and ecommerce as one per run', async () => {
    const together = makeWorkspace('concat-together');
    const oneByOne = makeWorkspace('concat-one-by-one');
    spaces.push(together, oneByOne);
    const files: [string, string | Buffer][] = [
      ['Customers/c.ndjson', '{"Customer ID": 1}\n{"Customer ID": 2}\n'],
      ['Orders/a1.csv', `${ORDERS_HEADER}1,1,2024-03-01 10:00:00,S1,1,10.5\n"YR-2,0",2,2024-03-02 10:00:00,"S,2",2,20\n`],
      // no newline after the last line; a value the staging SQL rejects on line 3
      ['Orders/a2.csv', `${ORDERS_HEADER}3,1,2024-03-01 10:00:00,S3,1,5\n4,1,2024-03-01 10:00:00,S4,1.5,5`],
      ['Orders/a3.csv', ORDERS_HEADER],
      ['Orders/a4.csv.gz', zlib.gzipSync(`${ORDERS_HEADER}5,2,2024-03-03 10:00:00,S5,2,7\n3,2,2024-03-04 10:00:00,S3b,4,8\n6,1,2024-03-04 10:00:00,S6,x,8\n`)],
      // CRLF: left out of the concatenated read (a record could end at a CR), staged the other ways
      ['Orders/a5.csv', `${ORDERS_HEADER.replace('\n', '\r\n')}7,1,2024-03-01 10:00:00,S7,1,5\r\n8,1,2024-03-01 10:00:00,S8,0.5,5\r\n`],
      // a header only (no newline at all)
      ['Orders/a6.csv', ORDERS_HEADER.trimEnd()],
      ['Orders/a7.csv', `\uFEFF${ORDERS_HEADER}9,2,2024-03-05 10:00:00,S9,1,9\n`],
      ['Deliveries/d1.csv', `${DELIVERIES_HEADER}1,100\n"YR-2,0",200\n3,abc\n`],
      ['Deliveries/d2.csv.gz', zlib.gzipSync(`${DELIVERIES_HEADER}5,500\n9,900\n`)],
    ];
    files.forEach(([rel, content], i) => together.write(rel, content, i + 1));
    const { report, concatenated } = await runCountingConcatenations(together);
    for (const [i, [rel, content]] of files.entries()) {
      oneByOne.write(rel, content, i + 1);
      await oneByOne.run();
    }
    // the orders' small files (all but the CRLF one, read otherwise) and the deliveries were each one read
    expect(concatenated).toEqual([7, 2]);
    for (const f of report.files) expect(f.rowsRead, f.path).toBe(f.rowsLoaded + f.rowsRejected);
    expect(report.files.every((f) => f.status === 'loaded')).toBe(true);
    expect(await together.query(LEDGER)).toEqual(await oneByOne.query(LEDGER));
    const rejects = await together.query(REJECTS);
    expect(rejects).toEqual(await oneByOne.query(REJECTS));
    expect(rejects.map((r) => [r.path, r.line, r.column_name])).toEqual([
      ['Orders/a2.csv', 3, 'Quantity'],
      ['Orders/a4.csv.gz', 4, 'Quantity'],
      ['Orders/a5.csv', 3, 'Quantity'],
      ['Deliveries/d1.csv', 4, 'Distance_m'],
    ]);
    expect(await together.query(RAW)).toEqual(await oneByOne.query(RAW));
    expect(await together.query(RAW_DELIVERIES)).toEqual(await oneByOne.query(RAW_DELIVERIES));
    expect(diffEcommerce(await together.query(ECOMMERCE_ORDERED), await oneByOne.query(ECOMMERCE_ORDERED))).toEqual([]);
  });

  it('a concatenated read that is not one row per line (a quote left open across files, a blank line) is not used', async () => {
    for (const [name, broken] of [
      // the open quote would swallow the next file's lines
      ['open-quote', `${ORDERS_HEADER}3,1,2024-03-01 10:00:00,"S3,1,5`],
      ['blank-line', `${ORDERS_HEADER}3,1,2024-03-01 10:00:00,S3,1,5\n\n4,1,2024-03-01 10:00:00,S4,1,5\n`],
    ] as const) {
      const together = makeWorkspace(`concat-${name}-together`);
      const oneByOne = makeWorkspace(`concat-${name}-one-by-one`);
      spaces.push(together, oneByOne);
      const files: [string, string][] = [
        ['Customers/c.ndjson', '{"Customer ID": 1}\n'],
        ['Orders/b1.csv', `${ORDERS_HEADER}1,1,2024-03-01 10:00:00,S1,1,10.5\n`],
        ['Orders/b2.csv', broken],
        ['Orders/b3.csv', `${ORDERS_HEADER}5,1,2024-03-02 10:00:00,"S5",2,20\n6,1,2024-03-02 10:00:00,S6,2,20\n`],
      ];
      files.forEach(([rel, content], i) => together.write(rel, content, i + 1));
      const { concatenated } = await runCountingConcatenations(together);
      expect(concatenated, name).toEqual([3]); // tried, found wanting, read file by file instead
      for (const [i, [rel, content]] of files.entries()) {
        oneByOne.write(rel, content, i + 1);
        await oneByOne.run();
      }
      expect(await together.query(LEDGER), name).toEqual(await oneByOne.query(LEDGER));
      expect(await together.query(REJECTS), name).toEqual(await oneByOne.query(REJECTS));
      expect(await together.query(RAW), name).toEqual(await oneByOne.query(RAW));
      expect(await together.query(`SELECT Order_ID FROM raw_orders WHERE _file_id = 4 ORDER BY 1`), name).toEqual([{ Order_ID: 5 }, { Order_ID: 6 }]);
    }
  });
});
