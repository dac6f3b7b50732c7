/**
 * The `pipeline report` page: one self-contained HTML file (inline CSS, inline
 * SVG charts, no scripts, no fonts or anything else fetched; a CSP forbids any
 * request) showing what the warehouse holds and how the last runs went.
 */
import type { Warehouse } from '../warehouse/Warehouse.js';
import { formatCompact, formatCount, formatExact, plural } from './chartScale.js';
import { escapeHtml as esc } from './escapeHtml.js';
import { readReportData, REJECT_FILES_LIMIT, type ReportData } from './readReportData.js';
import { columnChart, horizontalBarChart, lineChart, PALETTE, UNKNOWN_COLOR, type Column } from './svgCharts.js';

/** Chart names (the `data-chart` attribute of each chart's `<svg>`). */
export const CHARTS = {
  amountByWindow: 'amount-by-window',
  topCustomers: 'top-customers',
  orderCounts: 'order-count-histogram',
  rejectsPerFile: 'rejects-per-file',
} as const;

const MAX_MARKETS = 7; // more are folded into "other markets"
const OTHER_MARKETS = 'other markets';
const HISTOGRAM_COLOR = '#0d9488';
const REJECT_COLOR = '#dc2626';

export async function buildReport(w: Warehouse): Promise<string> {
  return renderReport(await readReportData(w), { warehousePath: w.path, generatedAt: new Date() });
}

export function renderReport(data: ReportData, meta: { warehousePath: string; generatedAt: Date }): string {
  const colors = marketColors(data);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<title>E-commerce pipeline report</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${header(data, meta)}
${amountSection(data, colors)}
${topCustomersSection(data, colors)}
${orderCountSection(data)}
${rejectsSection(data)}
${quarantineSection(data)}
</main>
</body>
</html>
`;
}

/** Known markets by total amount (largest first, at most MAX_MARKETS), then "other markets", then "unknown". */
function marketColors(data: ReportData): Map<string, string> {
  const totals = new Map<string, number>();
  for (const p of data.amountByWindow) totals.set(p.market, (totals.get(p.market) ?? 0) + p.amount);
  for (const c of data.topCustomers) if (!totals.has(c.market)) totals.set(c.market, 0);
  const known = [...totals.entries()].filter(([m]) => m !== 'unknown').sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const colors = new Map<string, string>();
  known.slice(0, MAX_MARKETS).forEach(([m], i) => colors.set(m, PALETTE[i]!));
  if (known.length > MAX_MARKETS) colors.set(OTHER_MARKETS, PALETTE[MAX_MARKETS]!);
  if (totals.has('unknown')) colors.set('unknown', UNKNOWN_COLOR);
  return colors;
}

function seriesOf(market: string, colors: Map<string, string>): string {
  return colors.has(market) ? market : OTHER_MARKETS;
}

function legend(entries: [string, string][]): string {
  if (entries.length === 0) return '';
  return `<ul class="legend">${entries
    .map(([name, color]) => `<li><span class="swatch" style="background:${color}"></span>${esc(name)}</li>`)
    .join('')}</ul>`;
}

/** A count for a tile: exact up to 9,999,999, else short ("123.5M") with the exact count on hover. */
function big(n: number): string {
  return n < 1e7 ? formatCount(n) : formatCompact(n);
}

function tile(label: string, value: string, options: { warn?: boolean; note?: string; small?: boolean; exact?: number } = {}): string {
  const title = options.exact !== undefined && options.exact >= 1e7 ? ` title="${esc(formatCount(options.exact))}"` : '';
  return `<div class="tile${options.warn ? ' warn' : ''}${options.small ? ' small' : ''}"${title}><dt>${esc(label)}</dt><dd>${esc(value)}${
    options.note ? `<small>${esc(options.note)}</small>` : ''
  }</dd></div>`;
}

function header(data: ReportData, meta: { warehousePath: string; generatedAt: Date }): string {
  const s = data.summary;
  const generated = meta.generatedAt.toISOString().slice(0, 16).replace('T', ' ');
  const run = s.lastRun;
  return `<header>
<h1>E-commerce pipeline report</h1>
<p class="meta">warehouse <code>${esc(meta.warehousePath)}</code> · window ${esc(s.window ?? 'not set yet')} · generated ${esc(generated)} UTC</p>
<dl class="tiles">
${tile('result rows', big(s.resultRows), { exact: s.resultRows, note: plural('window', s.windows) })}
${tile('customers', big(s.customers), { exact: s.customers })}
${tile('files loaded', big(s.filesLoaded), { exact: s.filesLoaded, note: `${big(s.rowsLoaded)} rows` })}
${tile('files quarantined', big(s.filesQuarantined), { exact: s.filesQuarantined, warn: s.filesQuarantined > 0 })}
${tile('rows rejected', big(s.rowsRejected), { exact: s.rowsRejected, warn: s.rowsRejected > 0 })}
${tile('last run', run ? run.finishedAt : 'never', { small: true, note: run ? `#${run.runId} ${run.kind}, ${run.strategy}` : 'run `pipeline run` first' })}
</dl>
</header>`;
}

function amountSection(data: ReportData, colors: Map<string, string>): string {
  const windows = [...new Map(data.amountByWindow.map((p) => [p.epoch, p.windowStart])).entries()].sort((a, b) => a[0] - b[0]);
  const allMidnight = windows.every(([, label]) => label.endsWith(' 00:00'));
  const index = new Map(windows.map(([epoch], i) => [epoch, i]));
  const values = new Map<string, number[]>([...colors.keys()].map((m) => [m, windows.map(() => 0)]));
  for (const p of data.amountByWindow) {
    const series = values.get(seriesOf(p.market, colors))!;
    series[index.get(p.epoch)!]! += p.amount;
  }
  const series = [...values.entries()].map(([name, v]) => ({ name, color: colors.get(name)!, values: v }));
  const chart = lineChart({
    name: CHARTS.amountByWindow,
    ariaLabel: 'Total order amount per window, one line per market',
    x: windows.map(([epoch]) => epoch),
    xLabels: windows.map(([, label]) => (allMidnight ? label.slice(0, 10) : label)),
    series,
    format: formatExact,
    emptyMessage: 'No results yet: the ecommerce table is empty',
  });
  return `<section id="amount-by-window">
<h2>Total order amount per window, by market</h2>
<p class="caption">Sum of Total_Order_Amount of every customer in each ${esc(data.summary.window ?? '')} window (labelled by its start). Market from the customer's current record; customers without one are “unknown”.</p>
${legend(series.map((s): [string, string] => [s.name, s.color]))}
${chart}
</section>`;
}

function topCustomersSection(data: ReportData, colors: Map<string, string>): string {
  const bars = data.topCustomers.map((c) => {
    const name = c.name?.trim() ? c.name : `Customer ${c.customerId}`;
    return {
      label: `${name} · #${c.customerId}`,
      value: c.total,
      color: colors.get(seriesOf(c.market, colors))!,
      valueText: formatCompact(c.total),
      tooltip: `${name} (#${c.customerId}, ${c.market}): ${formatExact(c.total)} over ${plural('order', c.orders)} in ${plural('window', c.windows)}`,
    };
  });
  const shown = new Set(data.topCustomers.map((c) => seriesOf(c.market, colors)));
  const markets = [...colors.keys()].filter((m) => shown.has(m));
  return `<section id="top-customers">
<h2>Top ${data.topCustomers.length || 10} customers by total order amount</h2>
<p class="caption">Total_Order_Amount summed over all windows; colour is the customer's market.</p>
${legend(markets.map((m): [string, string] => [m, colors.get(m)!]))}
${horizontalBarChart({
  name: CHARTS.topCustomers,
  ariaLabel: 'Top customers by total order amount',
  bars,
  labelWidth: 270,
  emptyMessage: 'No customers with orders yet',
})}
</section>`;
}

/** One column per Order_Count value when there are few, else bins of a round width. */
function histogramColumns(data: ReportData): Column[] {
  if (data.orderCounts.length === 0) return [];
  const max = Math.max(...data.orderCounts.map((b) => b.orderCount));
  const width = max <= 40 ? 1 : [1, 2, 5].flatMap((m) => [m, m * 10, m * 100, m * 1000, m * 10000]).sort((a, b) => a - b).find((s) => max / s <= 25)!;
  const bins = Math.ceil(max / width);
  const columns: Column[] = [];
  for (let i = 0; i < bins; i++) {
    const lo = i * width + 1;
    const hi = (i + 1) * width;
    const groups = data.orderCounts.filter((b) => b.orderCount >= lo && b.orderCount <= hi).reduce((sum, b) => sum + b.groups, 0);
    const label = width === 1 ? String(lo) : `${lo}–${hi}`;
    columns.push({
      label,
      value: groups,
      tooltip: `${formatCount(groups)} (customer, window) group${groups === 1 ? '' : 's'} with ${label} order${hi === 1 ? '' : 's'}`,
    });
  }
  return columns;
}

function orderCountSection(data: ReportData): string {
  return `<section id="order-counts">
<h2>Orders per customer and window</h2>
<p class="caption">How many (customer, window) groups of the result have 1, 2, 3 … orders (Order_Count).</p>
${columnChart({
  name: CHARTS.orderCounts,
  ariaLabel: 'Histogram of Order_Count per customer and window',
  columns: histogramColumns(data),
  color: HISTOGRAM_COLOR,
  xTitle: 'orders in the window (Order_Count)',
  yTitle: 'groups',
  emptyMessage: 'No results yet: the ecommerce table is empty',
})}
</section>`;
}

function rejectsSection(data: ReportData): string {
  const files = data.rejectsByFile;
  const bars = files.map((f) => ({
    label: f.path,
    value: f.rejected,
    color: REJECT_COLOR,
    valueText: formatCount(f.rejected),
    tooltip: `${f.path}: ${formatCount(f.rejected)} of ${formatCount(f.rowsRead)} rows rejected (${f.byColumn
      .map((c) => `${c.column} ×${formatCount(c.rows)}`)
      .join(', ')})`,
  }));
  const total = data.summary.rowsRejected;
  const caption =
    total === 0
      ? '<p class="caption ok">No rejected rows: every row of every loaded file was loaded.</p>'
      : `<p class="caption">${formatCount(total)} rejected row${total === 1 ? '' : 's'} in the current files${
          files.length >= REJECT_FILES_LIMIT ? ` (the ${REJECT_FILES_LIMIT} files with most shown)` : ''
        }; every rejected row is in <code>pipeline_rejects</code>.</p>`;
  const samples = data.rejectSamples.length
    ? `<h3>${data.rejectSamples.length < total ? `First ${data.rejectSamples.length} of ${formatCount(total)} rejected rows` : total === 1 ? 'The rejected row' : 'The rejected rows'}</h3>
<table class="rejects"><thead><tr><th>file</th><th class="num">line</th><th>column</th><th>reason</th></tr></thead><tbody>
${data.rejectSamples
  .map((r) => `<tr><td><code>${esc(r.path)}</code></td><td class="num">${esc(r.line ?? '')}</td><td class="nowrap">${esc(r.column ?? '')}</td><td>${esc(r.reason)}</td></tr>`)
  .join('\n')}
</tbody></table>`
    : '';
  return `<section id="rejects">
<h2>Rejected rows per file</h2>
${caption}
${horizontalBarChart({
  name: CHARTS.rejectsPerFile,
  ariaLabel: total === 0 ? 'Rejected rows per file: no rejected rows' : 'Rejected rows per file',
  bars,
  labelWidth: 300,
  truncate: 'middle',
  integerAxis: true,
  emptyMessage: 'No rejected rows',
})}
${samples}
</section>`;
}

function quarantineSection(data: ReportData): string {
  const q = data.quarantined;
  const body = q.length
    ? `<table class="quarantined"><thead><tr><th>file</th><th>dataset</th><th>reason</th><th class="num">size</th><th>modified</th></tr></thead><tbody>
${q
  .map(
    (f) =>
      `<tr><td><code>${esc(f.path)}</code></td><td>${esc(f.dataset)}</td><td>${esc(f.reason ?? '')}</td><td class="num">${esc(formatCount(f.sizeBytes))} B</td><td class="nowrap">${esc(f.mtime)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>
<p class="caption">Nothing of a quarantined file is loaded; it is read again when its content changes.</p>`
    : '<p class="caption ok">No quarantined files.</p>';
  return `<section id="quarantined">
<h2>Quarantined files (${formatCount(q.length)})</h2>
${body}
</section>`;
}

const STYLE = `
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #f3f4f6; --card: #ffffff; --bad: #b91c1c; --good: #047857; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 2px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px; overflow-wrap: anywhere; }
.meta { color: var(--muted); margin: 0 0 16px; font-size: 13px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(145px, 1fr)); gap: 10px; margin: 0 0 16px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tile dt { font-size: 13px; color: var(--muted); }
.tile dd { margin: 2px 0 0; font-size: 21px; font-weight: 600; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.tile dd small { display: block; font-size: 12px; font-weight: 400; color: var(--muted); }
.tile.warn dd { color: var(--bad); }
.tile.small dd { font-size: 15px; padding-top: 4px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 16px; }
.caption { color: var(--muted); font-size: 13px; margin: 0 0 8px; }
.caption.ok { color: var(--good); font-weight: 600; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; margin: 0 0 4px; font-size: 13px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; }
svg.chart { display: block; width: 100%; height: auto; max-width: 920px; overflow: visible; }
svg.chart text { font-size: 12px; fill: #374151; font-family: inherit; }
svg.chart .tick, svg.chart .axis-title { fill: var(--muted); }
svg.chart .value { fill: var(--fg); font-variant-numeric: tabular-nums; }
svg.chart .label { fill: var(--fg); }
svg.chart .empty-message { font-size: 15px; font-weight: 600; fill: var(--muted); }
svg.chart[data-chart="rejects-per-file"] .empty-message { fill: var(--good); }
svg.chart .grid { stroke: #eceef1; stroke-width: 1; }
svg.chart .axis { stroke: #9ca3af; stroke-width: 1; }
svg.chart .bar-row:hover rect, svg.chart .column:hover rect { opacity: .8; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td:first-child { width: 30%; }
.nowrap { white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
`;
