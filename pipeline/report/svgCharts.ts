/**
 * Inline SVG charts for the HTML report: a multi-series line chart, horizontal
 * bars and a column chart (histogram). Plain strings, no chart library, no
 * external resources. Every chart is one `<svg data-chart="name">`; drawn data
 * marks carry class "mark"; an empty chart keeps its axes, shows a message and
 * carries data-empty="true". All text passes through escapeHtml.
 */
import { estimateTextWidth, fitText, formatCompact, niceTicks, tickFormatter } from './chartScale.js';
import { escapeHtml as esc } from './escapeHtml.js';

/** Series colours (colour-blind friendly, distinct in greyscale too); grey is reserved for "unknown". */
export const PALETTE = ['#2563eb', '#ea580c', '#059669', '#9333ea', '#db2777', '#0891b2', '#ca8a04', '#4b5563'];
export const UNKNOWN_COLOR = '#a8a29e';

const WIDTH = 920;
const FONT = 12;

/** Coordinates with at most one decimal. */
function c(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function openSvg(name: string, height: number, ariaLabel: string, empty: boolean): string {
  return (
    `<svg class="chart" data-chart="${esc(name)}"${empty ? ' data-empty="true"' : ''} ` +
    `viewBox="0 0 ${WIDTH} ${c(height)}" width="${WIDTH}" height="${c(height)}" role="img" aria-label="${esc(ariaLabel)}">`
  );
}

interface TextOptions {
  anchor?: 'start' | 'middle' | 'end';
  cls?: string;
  middle?: boolean; // vertically centred on y
}

function text(x: number, y: number, content: string, o: TextOptions = {}): string {
  return (
    `<text x="${c(x)}" y="${c(y)}"${o.anchor && o.anchor !== 'start' ? ` text-anchor="${o.anchor}"` : ''}` +
    `${o.middle ? ' dy="0.35em"' : ''}${o.cls ? ` class="${o.cls}"` : ''}>${esc(content)}</text>`
  );
}

function line(x1: number, y1: number, x2: number, y2: number, cls: string): string {
  return `<line class="${cls}" x1="${c(x1)}" y1="${c(y1)}" x2="${c(x2)}" y2="${c(y2)}"/>`;
}

/**
 * Picks which of the labels at positions `xs` to draw so that none overlap:
 * evenly spaced (every k-th, the first always kept). Returns each chosen index
 * with where to centre its label, nudged inwards when it would leave [0, WIDTH].
 */
function spacedLabels(xs: number[], labels: string[], gap = 14): { i: number; x: number }[] {
  if (xs.length === 0) return [];
  const widest = Math.max(...labels.map((l) => estimateTextWidth(l, FONT)));
  const span = xs.length > 1 ? (xs[xs.length - 1]! - xs[0]!) / (xs.length - 1) : widest;
  const every = Math.max(1, Math.ceil((widest + gap) / Math.max(span, 1)));
  const chosen: { i: number; x: number }[] = [];
  let lastRight = -Infinity;
  for (let i = 0; i < xs.length; i += every) {
    const half = estimateTextWidth(labels[i]!, FONT) / 2;
    const x = Math.min(Math.max(xs[i]!, half + 2), WIDTH - 2 - half);
    if (x - half < lastRight + gap) continue;
    chosen.push({ i, x });
    lastRight = x + half;
  }
  return chosen;
}

export interface LineSeries {
  name: string;
  color: string;
  values: number[]; // one per x
}

export interface LineChartOptions {
  name: string;
  ariaLabel: string;
  /** x positions (e.g. epoch seconds of each window start), ascending. */
  x: number[];
  xLabels: string[];
  series: LineSeries[];
  /** value format for tooltips */
  format: (v: number) => string;
  emptyMessage: string;
}

/** One line per series over a time-proportional x axis, a dot per point (with a tooltip) when not too dense. */
export function lineChart(o: LineChartOptions): string {
  const H = 340;
  const m = { l: 64, r: 40, t: 16, b: 44 };
  const pad = 14;
  const pw = WIDTH - m.l - m.r;
  const ph = H - m.t - m.b;
  const empty = o.x.length === 0 || o.series.length === 0;
  const ticks = niceTicks(Math.max(0, ...o.series.flatMap((s) => s.values)), 5);
  const yTop = ticks[ticks.length - 1]!;
  const fmt = tickFormatter(ticks);
  const y = (v: number) => m.t + ph - (v / yTop) * ph;
  const first = o.x[0] ?? 0;
  const last = o.x[o.x.length - 1] ?? 0;
  const xAt = (i: number) => (last === first ? m.l + pw / 2 : m.l + pad + ((o.x[i]! - first) / (last - first)) * (pw - 2 * pad));
  const xs = o.x.map((_, i) => xAt(i));

  const parts: string[] = [openSvg(o.name, H, o.ariaLabel, empty)];
  for (const t of ticks) {
    parts.push(line(m.l, y(t), m.l + pw, y(t), t === 0 ? 'axis' : 'grid'));
    parts.push(text(m.l - 8, y(t), fmt(t), { anchor: 'end', middle: true, cls: 'tick' }));
  }
  parts.push(line(m.l, m.t, m.l, m.t + ph, 'axis'));
  for (const { i, x } of spacedLabels(xs, o.xLabels)) {
    parts.push(line(xs[i]!, m.t + ph, xs[i]!, m.t + ph + 5, 'axis'));
    parts.push(text(x, m.t + ph + 20, o.xLabels[i]!, { anchor: 'middle', cls: 'tick' }));
  }
  if (empty) {
    parts.push(text(m.l + pw / 2, m.t + ph / 2, o.emptyMessage, { anchor: 'middle', middle: true, cls: 'empty-message' }));
  }
  const dots = o.x.length <= 120;
  for (const s of o.series) {
    const d = s.values.map((v, i) => `${i === 0 ? 'M' : 'L'}${c(xs[i]!)},${c(y(v))}`).join('');
    parts.push(`<g class="series" data-series="${esc(s.name)}">`);
    parts.push(`<path class="mark line" d="${d}" fill="none" stroke="${s.color}" stroke-width="2.25" stroke-linejoin="round"><title>${esc(s.name)}</title></path>`);
    if (dots) {
      s.values.forEach((v, i) => {
        parts.push(
          `<circle class="mark point" cx="${c(xs[i]!)}" cy="${c(y(v))}" r="3.5" fill="${s.color}">` +
            `<title>${esc(`${s.name} · ${o.xLabels[i]}: ${o.format(v)}`)}</title></circle>`,
        );
      });
    }
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface Bar {
  label: string;
  value: number;
  color: string;
  /** short text drawn after the bar */
  valueText: string;
  /** full text shown on hover */
  tooltip: string;
}

export interface HorizontalBarOptions {
  name: string;
  ariaLabel: string;
  bars: Bar[];
  labelWidth?: number;
  /** where long labels are shortened: names at the end, paths in the middle */
  truncate?: 'end' | 'middle';
  integerAxis?: boolean;
  emptyMessage: string;
}

/** One labelled horizontal bar per item, values after the bars, a value axis below. */
export function horizontalBarChart(o: HorizontalBarOptions): string {
  const labelW = o.labelWidth ?? 250;
  const valueW = 76;
  const rowH = 30;
  const barH = 20;
  const top = 8;
  const empty = o.bars.length === 0;
  const rows = empty ? 2 : o.bars.length;
  const plotX = labelW + 12;
  const pw = WIDTH - plotX - valueW;
  const plotBottom = top + rows * rowH;
  const H = plotBottom + 30;
  const ticks = niceTicks(Math.max(0, ...o.bars.map((b) => b.value)), 5, o.integerAxis);
  const xTop = ticks[ticks.length - 1]!;
  const fmt = tickFormatter(ticks);
  const x = (v: number) => plotX + (v / xTop) * pw;

  const parts: string[] = [openSvg(o.name, H, o.ariaLabel, empty)];
  for (const t of ticks) {
    parts.push(line(x(t), top, x(t), plotBottom, t === 0 ? 'axis' : 'grid'));
    parts.push(text(x(t), plotBottom + 18, fmt(t), { anchor: 'middle', cls: 'tick' }));
  }
  parts.push(line(plotX, plotBottom, plotX + pw, plotBottom, 'axis'));
  if (empty) {
    parts.push(text(plotX + pw / 2, top + (rows * rowH) / 2, o.emptyMessage, { anchor: 'middle', middle: true, cls: 'empty-message' }));
  }
  o.bars.forEach((b, i) => {
    const cy = top + i * rowH + rowH / 2;
    const w = b.value > 0 ? Math.max(2, x(b.value) - plotX) : 0;
    parts.push(`<g class="bar-row"><title>${esc(b.tooltip)}</title>`);
    parts.push(text(labelW, cy, fitText(b.label, labelW - 8, FONT, o.truncate ?? 'end'), { anchor: 'end', middle: true, cls: 'label' }));
    parts.push(`<rect class="mark bar" x="${c(plotX)}" y="${c(cy - barH / 2)}" width="${c(w)}" height="${barH}" rx="2" fill="${b.color}"/>`);
    parts.push(text(plotX + w + 6, cy, b.valueText, { middle: true, cls: 'value' }));
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}

export interface Column {
  label: string;
  value: number;
  tooltip: string;
}

export interface ColumnChartOptions {
  name: string;
  ariaLabel: string;
  columns: Column[];
  color: string;
  xTitle: string;
  yTitle: string;
  emptyMessage: string;
}

/** Vertical bars over categories (a histogram), counts above the bars when there is room. */
export function columnChart(o: ColumnChartOptions): string {
  const H = 320;
  const m = { l: 64, r: 24, t: 30, b: 60 };
  const pw = WIDTH - m.l - m.r;
  const ph = H - m.t - m.b;
  const empty = o.columns.length === 0;
  const n = Math.max(o.columns.length, 1);
  const band = pw / n;
  const bw = Math.min(90, Math.max(1, band * 0.78));
  const ticks = niceTicks(Math.max(0, ...o.columns.map((col) => col.value)), 5, true);
  const yTop = ticks[ticks.length - 1]!;
  const fmt = tickFormatter(ticks);
  const y = (v: number) => m.t + ph - (v / yTop) * ph;
  const xs = o.columns.map((_, i) => m.l + band * i + band / 2);

  const parts: string[] = [openSvg(o.name, H, o.ariaLabel, empty)];
  parts.push(text(8, 14, o.yTitle, { cls: 'axis-title' }));
  for (const t of ticks) {
    parts.push(line(m.l, y(t), m.l + pw, y(t), t === 0 ? 'axis' : 'grid'));
    parts.push(text(m.l - 8, y(t), fmt(t), { anchor: 'end', middle: true, cls: 'tick' }));
  }
  parts.push(line(m.l, m.t, m.l, m.t + ph, 'axis'));
  for (const { i, x } of spacedLabels(xs, o.columns.map((col) => col.label), 10)) {
    parts.push(text(x, m.t + ph + 18, o.columns[i]!.label, { anchor: 'middle', cls: 'tick' }));
  }
  parts.push(text(m.l + pw / 2, H - 12, o.xTitle, { anchor: 'middle', cls: 'axis-title' }));
  if (empty) {
    parts.push(text(m.l + pw / 2, m.t + ph / 2, o.emptyMessage, { anchor: 'middle', middle: true, cls: 'empty-message' }));
  }
  // counts above the bars: on every bar when they all fit, else on none (the tooltips keep them)
  const valueTexts = o.columns.map((col) => formatCompact(col.value));
  const showValues = valueTexts.every((t) => estimateTextWidth(t, FONT) <= band - 4);
  o.columns.forEach((col, i) => {
    const h = col.value > 0 ? Math.max(2, m.t + ph - y(col.value)) : 0;
    parts.push(`<g class="column"><title>${esc(col.tooltip)}</title>`);
    parts.push(`<rect class="mark bar" x="${c(xs[i]! - bw / 2)}" y="${c(m.t + ph - h)}" width="${c(bw)}" height="${c(h)}" rx="2" fill="${o.color}"/>`);
    if (showValues && col.value > 0) parts.push(text(xs[i]!, m.t + ph - h - 6, valueTexts[i]!, { anchor: 'middle', cls: 'value' }));
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}
