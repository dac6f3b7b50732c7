/**
 * `pipeline report`: the HTML page is built from a real warehouse and loaded in
 * a REAL headless Chromium (the Debian package at /usr/bin/chromium, driven by
 * its command line: --dump-dom and --screenshot, no npm browser packages).
 *
 *  - The page as shipped (with its CSP) is screenshotted; the PNG is decoded
 *    here and must show the charts' colours over a large part of the page.
 *  - A copy with a measuring script appended (and the CSP removed so the script
 *    may run) is loaded with --dump-dom: the script writes the laid-out size of
 *    every chart, mark and label into the DOM, which is read back here.
 *  - A hostile customer name (<script>, <img onerror>, quotes, &) must come out
 *    as text: no element injected, no script run, the exact name readable.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import yargs from 'yargs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../pipeline/cli/commands/reportCommand.js';
import { buildReport, CHARTS } from '../pipeline/report/buildReport.js';
import { escapeHtml } from '../pipeline/report/escapeHtml.js';
import { withWarehouse } from '../pipeline/warehouse/Warehouse.js';
import { makeWorkspace, type Workspace } from './support/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">&amp; "Bob" 'O'Brien' Ω`;
const VIEWPORT = { width: 1280, height: 2400 };

function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is required for the report test and is missing at ${CHROMIUM}. ` +
        'Install it: `apt-get install chromium` (Debian/Ubuntu, as root), or run .ci/install-chromium.sh.',
    );
  }
}

/** Runs headless Chromium once with a fresh profile, no network features, no sandbox (containers, root). */
function chromium(args: string[]): string {
  requireChromium();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'report-chromium-'));
  try {
    return execFileSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-extensions',
        '--hide-scrollbars',
        '--mute-audio',
        `--user-data-dir=${profile}`,
        `--window-size=${VIEWPORT.width},${VIEWPORT.height}`,
        ...args,
      ],
      { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** Appended to a copy of the page: measures the laid-out charts and writes the result into the DOM. */
const MEASURE = `<script>
(() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; };
  const charts = [...document.querySelectorAll('svg[data-chart]')].map((svg) => ({
    name: svg.getAttribute('data-chart'),
    empty: svg.getAttribute('data-empty') === 'true',
    box: box(svg),
    marks: [...svg.querySelectorAll('.mark')].map((m) => {
      const b = m.getBBox();
      const style = getComputedStyle(m);
      return { tag: m.tagName, cls: m.getAttribute('class'), ...box(m), bw: b.width, bh: b.height, fill: style.fill, stroke: style.stroke };
    }),
    texts: [...svg.querySelectorAll('text')].map((t) => ({ text: t.textContent, cls: t.getAttribute('class'), ...box(t) })),
    lines: svg.querySelectorAll('line').length,
  }));
  const result = {
    charts,
    scripts: document.querySelectorAll('script').length,
    images: document.querySelectorAll('img').length,
    pwned: window.__pwned ?? null,
    titles: [...document.querySelectorAll('svg title')].map((t) => t.textContent),
    cells: [...document.querySelectorAll('td')].map((t) => t.textContent),
    scrollWidth: document.documentElement.scrollWidth,
  };
  const pre = document.createElement('pre');
  pre.id = 'measurements';
  pre.textContent = encodeURIComponent(JSON.stringify(result));
  document.body.append(pre);
})();
</script>`;

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Measured {
  charts: {
    name: string;
    empty: boolean;
    box: Box;
    marks: (Box & { tag: string; cls: string; bw: number; bh: number; fill: string; stroke: string })[];
    texts: (Box & { text: string; cls: string | null })[];
    lines: number;
  }[];
  scripts: number;
  images: number;
  pwned: unknown;
  titles: string[];
  cells: string[];
  scrollWidth: number;
}

/** Loads a measuring copy of the report in Chromium and returns what the page measured after layout. */
function measure(reportFile: string): Measured {
  const html = fs.readFileSync(reportFile, 'utf8');
  const withoutCsp = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
  expect(withoutCsp).not.toBe(html);
  const copy = reportFile.replace(/\.html$/, '.measure.html');
  fs.writeFileSync(copy, withoutCsp.replace('</body>', `${MEASURE}\n</body>`));
  const dom = chromium(['--dump-dom', `file://${copy}`]);
  const m = /<pre id="measurements">([^<]*)<\/pre>/.exec(dom);
  if (!m) throw new Error(`Chromium produced no measurements; DOM starts with:\n${dom.slice(0, 500)}`);
  return JSON.parse(decodeURIComponent(m[1]!)) as Measured;
}

/** Minimal PNG decoder (8-bit RGB/RGBA, not interlaced: what Chromium writes) → RGBA pixels. */
function decodePng(buf: Buffer): { width: number; height: number; rgba: Uint8Array } {
  expect([...buf.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  let pos = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = 0;
  let interlace = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    pos += 12 + len;
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8]!;
      colorType = data[9]!;
      interlace = data[12]!;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
  }
  if (depth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) {
    throw new Error(`unexpected PNG format: depth ${depth}, colour type ${colorType}, interlace ${interlace}`);
  }
  const channels = colorType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const rgba = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels]! : 0;
      const b = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`bad PNG filter ${filter} on row ${y}`);
      cur[i] = (line[i]! + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      rgba[o] = cur[x * channels]!;
      rgba[o + 1] = cur[x * channels + 1]!;
      rgba[o + 2] = cur[x * channels + 2]!;
      rgba[o + 3] = channels === 4 ? cur[x * 4 + 3]! : 255;
    }
    prev = cur;
  }
  return { width, height, rgba };
}

function rgbOf(css: string): [number, number, number] {
  const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(css);
  if (!m) throw new Error(`not an rgb() colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function countPixels(img: { rgba: Uint8Array }, [r, g, b]: [number, number, number], tolerance = 8): number {
  let n = 0;
  for (let i = 0; i < img.rgba.length; i += 4) {
    if (Math.abs(img.rgba[i]! - r) <= tolerance && Math.abs(img.rgba[i + 1]! - g) <= tolerance && Math.abs(img.rgba[i + 2]! - b) <= tolerance) n++;
  }
  return n;
}

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Writes the report with the real command module (as `pipeline report` runs it) and returns its path. */
async function runReportCommand(ws: Workspace): Promise<string> {
  const out = path.join(ws.root, 'out', 'report.html');
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await yargs([])
      .command(reportCommand)
      .strict()
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      })
      .parseAsync(['report', '--data', ws.dataDir, '--warehouse', ws.warehousePath, '--out', out]);
    expect(log).toHaveBeenCalledWith(out);
  } finally {
    log.mockRestore();
  }
  return out;
}

const ORDERS = [
  'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total',
  '1,1,2024-03-01 10:00:00,A,2,100',
  '2,1,2024-03-12 10:00:00,B,1,50',
  '3,2,2024-03-01 11:00:00,A,1,80',
  '4,2,2024-03-02 11:00:00,C,3,20',
  '5,3,2024-03-20 09:00:00,A,1,300',
  '6,4,2024-03-13 09:00:00,A,1,40',
  '7,2,2024-03-22 12:00:00,A,1,70',
  '8,1,2024-03-03 10:00:00,A,1,<b>ten</b>', // line 9: rejected, the reason quotes the value
].join('\n');

describe('pipeline report in headless Chromium', () => {
  let ws: Workspace;
  let reportFile: string;
  let html: string;

  beforeAll(async () => {
    ws = makeWorkspace('report');
    ws.write(
      'Customers/c.json',
      JSON.stringify([
        { 'Customer ID': 1, 'Customer Name': 'Zoë Ångström-Łukasiewicz', Market: 'Lisbon' },
        { 'Customer ID': 2, 'Customer Name': HOSTILE, Market: 'Yerevan' },
        { 'Customer ID': 3, 'Customer Name': 'Էլեն Հովհաննիսյան', Market: 'Yerevan' },
        { 'Customer ID': 4, 'Customer Name': '山田 太郎 🍣' },
      ]),
    );
    ws.write('Orders/o.csv', `${ORDERS}\n`);
    ws.write('Orders/no_total.csv', 'Order ID,Customer ID\n9,1\n'); // quarantined: required columns missing
    ws.write('Deliveries/d.csv', `Order ID,Distance(m)\n${[1, 2, 3, 4, 5, 6, 7].map((id) => `${id},${id * 100}`).join('\n')}\n`);
    const run = await ws.run();
    expect(run.files.map((f) => [f.path, f.status, f.rowsRejected])).toEqual(
      expect.arrayContaining([
        ['Orders/o.csv', 'loaded', 1],
        ['Orders/no_total.csv', 'quarantined', 0],
      ]),
    );
    reportFile = await runReportCommand(ws);
    html = fs.readFileSync(reportFile, 'utf8');
  });

  afterAll(() => ws?.cleanup());

  it('is one self-contained page: no scripts, no external resources, a CSP forbidding requests', () => {
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).not.toMatch(/<script/i);
    // any real '<' opens a tag (text '<' is escaped): no tag may carry a src/href
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|href|xlink:href|srcset|action|poster)\s*=/i);
    expect(html).not.toMatch(/url\(|@import|@font-face|<link|<iframe|<object|<embed/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'`);
    for (const name of Object.values(CHARTS)) expect(html.match(new RegExp(`<svg [^>]*data-chart="${name}"`, 'g'))).toHaveLength(1);
  });

  it('escapes customer names and reject reasons', () => {
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;b&gt;ten&lt;/b&gt;');
    expect(escapeHtml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });

  it('draws all four charts with real, non-overlapping marks and labels after layout', () => {
    requireChromium(); // fails (never skips) with what to install
    const m = measure(reportFile);
    // the hostile name stayed text: nothing injected, nothing ran, the exact name is readable
    expect(m.scripts).toBe(1); // the measuring script only
    expect(m.images).toBe(0);
    expect(m.pwned).toBeNull();
    expect(m.titles.some((t) => t.startsWith(`${HOSTILE} (#2, Yerevan)`))).toBe(true);
    expect(m.titles.some((t) => t.startsWith('山田 太郎 🍣 (#4, unknown)'))).toBe(true);
    expect(m.cells).toEqual(expect.arrayContaining(['Orders/no_total.csv', 'Orders/o.csv', '9']));
    expect(m.cells.some((c) => c.includes('<b>ten</b>'))).toBe(true);
    expect(m.scrollWidth).toBeLessThanOrEqual(VIEWPORT.width);

    expect(m.charts.map((c) => c.name).sort()).toEqual(Object.values(CHARTS).sort());
    const chart = (name: string) => m.charts.find((c) => c.name === name)!;
    for (const c of m.charts) {
      expect(c.empty, c.name).toBe(false);
      expect(c.box.w, c.name).toBeGreaterThan(600);
      expect(c.box.h, c.name).toBeGreaterThan(50);
      expect(c.lines, `${c.name} axes`).toBeGreaterThan(1);
      expect(c.marks.length, `${c.name} marks`).toBeGreaterThan(0);
      for (const mark of c.marks) {
        expect(mark.w > 0 && mark.h > 0, `${c.name} ${mark.tag}.${mark.cls} has no size`).toBe(true);
        // inside the chart
        expect(mark.x).toBeGreaterThanOrEqual(c.box.x - 1);
        expect(mark.x + mark.w).toBeLessThanOrEqual(c.box.x + c.box.w + 1);
      }
      const texts = c.texts.filter((t) => t.text.trim() !== '');
      for (const t of texts) {
        expect(t.w > 0 && t.h > 0, `${c.name} label "${t.text}" not rendered`).toBe(true);
        expect(t.x, `${c.name} label "${t.text}" starts outside the chart`).toBeGreaterThanOrEqual(c.box.x - 1);
        expect(t.x + t.w, `${c.name} label "${t.text}" ends outside the chart`).toBeLessThanOrEqual(c.box.x + c.box.w + 1);
      }
      for (let i = 0; i < texts.length; i++) {
        for (let j = i + 1; j < texts.length; j++) {
          expect(overlap(texts[i]!, texts[j]!), `${c.name}: "${texts[i]!.text}" overlaps "${texts[j]!.text}"`).toBeLessThan(2);
        }
      }
    }

    // (a) one line per market (Lisbon, Yerevan, unknown) over 3 windows, a dot per point
    const amount = chart(CHARTS.amountByWindow);
    const lines = amount.marks.filter((k) => k.tag === 'path');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l.bw).toBeGreaterThan(100);
    expect(amount.marks.filter((k) => k.tag === 'circle')).toHaveLength(9);
    expect(new Set(lines.map((l) => l.stroke)).size).toBe(3);

    // (b) four customers, largest first, names as labels
    const top = chart(CHARTS.topCustomers);
    const bars = top.marks.filter((k) => k.tag === 'rect');
    expect(bars).toHaveLength(4);
    for (let i = 1; i < bars.length; i++) {
      expect(bars[i]!.y).toBeGreaterThan(bars[i - 1]!.y);
      expect(bars[i]!.w).toBeLessThanOrEqual(bars[i - 1]!.w);
    }
    expect(top.texts.map((t) => t.text)).toEqual(expect.arrayContaining(['Էլեն Հովհաննիսյան · #3', 'Zoë Ångström-Łukasiewicz · #1', '山田 太郎 🍣 · #4']));
    expect(top.texts.some((t) => t.text.startsWith('<script>'))).toBe(true); // shortened, but shown as text

    // (c) Order_Count per (customer, window): 5 groups with 1 order, 1 with 2 → two columns, 1 taller than 2
    const hist = chart(CHARTS.orderCounts).marks.filter((k) => k.tag === 'rect');
    expect(hist).toHaveLength(2);
    expect(hist[0]!.h).toBeGreaterThan(hist[1]!.h * 3);

    // (d) one file with one rejected row
    const rejects = chart(CHARTS.rejectsPerFile);
    expect(rejects.marks).toHaveLength(1);
    expect(rejects.texts.map((t) => t.text)).toContain('Orders/o.csv');
  });

  it('paints the charts: the screenshot is not blank and shows every chart colour', () => {
    requireChromium();
    const m = measure(reportFile);
    const shot = path.join(ws.root, 'out', 'report.png');
    chromium([`--screenshot=${shot}`, `file://${reportFile}`]);
    const img = decodePng(fs.readFileSync(shot));
    expect([img.width, img.height]).toEqual([VIEWPORT.width, VIEWPORT.height]);
    const background = countPixels(img, [img.rgba[0]!, img.rgba[1]!, img.rgba[2]!], 2);
    expect(background / (img.width * img.height)).toBeLessThan(0.97);
    const fills = new Set(m.charts.flatMap((c) => c.marks.filter((k) => k.tag !== 'path').map((k) => k.fill)));
    expect(fills.size).toBeGreaterThanOrEqual(4); // two markets + unknown, histogram, rejects
    for (const fill of fills) expect(countPixels(img, rgbOf(fill)), `pixels of ${fill}`).toBeGreaterThan(150);
  });
});

describe('pipeline report without rejects', () => {
  let ws: Workspace;
  afterAll(() => ws?.cleanup());

  it('still draws the rejects chart with its axis and says there are no rejected rows', async () => {
    ws = makeWorkspace('report-clean');
    ws.write('Customers/c.json', '[{"Customer ID": 1, "Customer Name": "Ana", "Market": "Lisbon"}]');
    ws.write('Orders/o.csv', `${ORDERS.split('\n').slice(0, 3).join('\n')}\n`);
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,5\n2,6\n');
    await ws.run();
    const reportFile = await runReportCommand(ws);
    const html = fs.readFileSync(reportFile, 'utf8');
    expect(html).toMatch(/<svg [^>]*data-chart="rejects-per-file" data-empty="true"/);
    expect(html).toContain('No rejected rows');
    expect(html).toContain('No quarantined files.');
    const m = measure(reportFile);
    const rejects = m.charts.find((c) => c.name === CHARTS.rejectsPerFile)!;
    expect(rejects.empty).toBe(true);
    expect(rejects.marks).toHaveLength(0);
    expect(rejects.lines).toBeGreaterThan(1);
    expect(rejects.box.w).toBeGreaterThan(600);
    expect(rejects.texts.find((t) => t.text === 'No rejected rows')!.w).toBeGreaterThan(50);
    for (const name of [CHARTS.amountByWindow, CHARTS.topCustomers, CHARTS.orderCounts]) {
      expect(m.charts.find((c) => c.name === name)!.marks.every((k) => k.w > 0 && k.h > 0)).toBe(true);
    }
  });

  it('renders an empty warehouse without failing: every chart present, marked empty', async () => {
    const empty = makeWorkspace('report-empty');
    try {
      await empty.run();
      const page = await withWarehouse({ path: empty.warehousePath, readOnly: true }, (w) => buildReport(w));
      for (const name of Object.values(CHARTS)) expect(page).toMatch(new RegExp(`<svg [^>]*data-chart="${name}" data-empty="true"`));
    } finally {
      empty.cleanup();
    }
  });
});
