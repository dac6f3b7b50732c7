/**
 * Issue 18's target table ("Engine v3"), the pure part of `make bench-v3`
 * (bench/benchEngineV3.ts): which sub-benchmark runs ("parts") a selection of
 * rows needs, and each row's numbers and met/missed judgement computed from the
 * JSON files those benchmarks write. No I/O here (test/unit/engineV3Table.test.ts).
 */

/** One row of the issue's table; also the names BENCH_V3_ONLY accepts. */
export const ROW_IDS = [
  'append-1', 'append-0.1', 'scattered-1', 'scattered-0.1', 'scale', 'huge',
  'decay', 'noop', 'full', 'pg-sync', 'small-files', 'new-file',
] as const;
export type RowId = (typeof ROW_IDS)[number];

/** One child benchmark process. */
export type PartId =
  | 'full' | 'append' | 'scattered' | 'scale-small-append' | 'scale-small-scattered'
  | 'scale-big-append' | 'scale-big-scattered' | 'huge' | 'decay' | 'export' | 'small-files';

export interface V3Settings {
  /** BENCH_ORDERS (default 10M, the issue's) */
  orders: number;
  /** BENCH_V3_BIG_ORDERS: the "vs" history (default 3x orders) */
  bigOrders: number;
  /** BENCH_V3_HUGE_ORDERS: the opt-in huge history (default 10x orders) */
  hugeOrders: number;
  /** BENCH_V3_HUGE=1 */
  huge: boolean;
  /** DuckDB memory limit of the huge case (the issue's --memory-limit 8GB) */
  hugeMemoryLimit: string;
  /** BENCH_V3_SMALL_FILES_ORDERS (default 1M, the issue's row) */
  smallFilesOrders: number;
  /** BENCH_V3_SCALE_DELTA: order rows of the same drop on both histories (default 1 % of orders) */
  scaleDelta: number;
  /** BENCH_DECAY_RUNS (default 100) */
  decayRuns: number;
  /** BENCH_V3_ONLY, or null for every row */
  only: RowId[] | null;
  /** other BENCH_* knobs the user set (seed, memory limit, threads, ...), repeated in every re-run command */
  passThrough: Record<string, string>;
}

export interface PartSpec {
  id: PartId;
  what: string;
  /** dist/bench/<script> */
  script: string;
  /** environment of the child on top of the caller's (the BENCH_* it reads) */
  env: Record<string, string>;
  /** the JSON file it writes, relative to bench/out/ */
  json: string;
}

/** The 1 % delta of benchIncremental's BENCH_DELTAS=1 (same rounding as its deltaSpecs). */
export function onePercent(orders: number): number {
  return Math.max(1, Math.round(orders / 100));
}

function incrPart(id: PartId, what: string, orders: number, kind: 'append' | 'scattered', delta: { percents: string } | { orders: number }, extra: Record<string, string> = {}): PartSpec {
  const abs = 'orders' in delta;
  return {
    id,
    what,
    script: 'benchIncremental.js',
    env: {
      BENCH_ORDERS: String(orders),
      BENCH_DELTA_KIND: kind,
      ...(abs ? { BENCH_DELTA_ORDERS: String(delta.orders) } : { BENCH_DELTAS: delta.percents }),
      ...extra,
    },
    json: `incr-${orders}${abs ? '-abs' : ''}${kind === 'append' ? '-append' : ''}.json`,
  };
}

function partSpec(id: PartId, s: V3Settings): PartSpec {
  const n = s.orders;
  switch (id) {
    case 'full':
      return { id, what: `full build vs the one-shots, ${n} orders`, script: 'benchFullBuild.js', env: { BENCH_ORDERS: String(n) }, json: `full-${n}.json` };
    case 'append':
      return incrPart(id, `daily append 1 % and 0.1 % on ${n} orders`, n, 'append', { percents: '1,0.1' });
    case 'scattered':
      return incrPart(id, `scattered 1 % and 0.1 % on ${n} orders`, n, 'scattered', { percents: '1,0.1' });
    case 'scale-small-append':
      return incrPart(id, `append of ${s.scaleDelta} orders on ${n}`, n, 'append', { orders: s.scaleDelta }, { BENCH_ONESHOT_CHECK: '0' });
    case 'scale-small-scattered':
      return incrPart(id, `scattered drop of ${s.scaleDelta} orders on ${n}`, n, 'scattered', { orders: s.scaleDelta }, { BENCH_ONESHOT_CHECK: '0' });
    // The equivalent one-shot ran out of memory at 30M (bench/README.md): no one-shot check on the big histories.
    case 'scale-big-append':
      return incrPart(id, `append of ${s.scaleDelta} orders on ${s.bigOrders}`, s.bigOrders, 'append', { orders: s.scaleDelta }, { BENCH_ONESHOT_CHECK: '0' });
    case 'scale-big-scattered':
      return incrPart(id, `scattered drop of ${s.scaleDelta} orders on ${s.bigOrders}`, s.bigOrders, 'scattered', { orders: s.scaleDelta }, { BENCH_ONESHOT_CHECK: '0' });
    case 'huge':
      return incrPart(id, `scattered drop of ${s.scaleDelta} orders on ${s.hugeOrders} (memory limit ${s.hugeMemoryLimit})`, s.hugeOrders, 'scattered',
        { orders: s.scaleDelta }, { BENCH_ONESHOT_CHECK: '0', BENCH_MEMORY_LIMIT: s.hugeMemoryLimit });
    case 'decay':
      return { id, what: `${s.decayRuns} successive 0.1 % drops on ${n} orders`, script: 'benchDecay.js',
        env: { BENCH_ORDERS: String(n), BENCH_DECAY_RUNS: String(s.decayRuns), BENCH_DECAY_PERCENT: '0.1' }, json: `decay-${n}.json` };
    case 'export':
      return { id, what: `Postgres: initial sync and a 1 % delta sync, ${n} orders`, script: 'benchExport.js', env: { BENCH_ORDERS: String(n) }, json: `export-${n}.json` };
    case 'small-files':
      return { id, what: `${s.smallFilesOrders} orders as 500-row files vs few files, then one 200-row file`, script: 'benchSmallFiles.js',
        env: { BENCH_ORDERS: String(s.smallFilesOrders) }, json: `small-files-${s.smallFilesOrders}.json` };
  }
}

/**
 * Rough cost of the opt-in huge case, from its one measured run (100M orders, 8GB limit,
 * bench/README.md "the whole table in one run"): disk peaks during the full build.
 */
export function hugeEstimate(hugeOrders: number): { diskGiB: number; minutes: number } {
  // ~87 B of input per order, and at the full build's peak ~35 GB of DuckDB temp files and a
  // ~4 GB warehouse on top of it: ~500 B per order at the peak (the three ~6 GB warehouse
  // copies afterwards need less).
  const diskGiB = Math.ceil((hugeOrders * 500) / 2 ** 30);
  // per million orders: generation 4.2 s, full build 15.1 s (spilling under the limit), writing
  // the delta 2.1 s, rebuild of the copy 6.0 s, copies and the group-by-group comparison ~2 s
  // (100M: 418, 1508, 213, 596 s; the part took 2,957 s)
  const minutes = Math.ceil(((hugeOrders / 1e6) * 30) / 60);
  return { diskGiB, minutes };
}

export interface Plan {
  rows: RowId[];
  parts: PartSpec[];
  /** rows that are not measured, and why */
  notRun: Partial<Record<RowId, string>>;
}

/**
 * The parts the selected rows need, in the order they run. The same drop on the
 * small history ("scale", "huge") is the 1 % run of the append / scattered part
 * when that part runs anyway and the drop has the same size (same files:
 * makeDelta with the same seed, size and kind); otherwise a part of its own.
 */
export function planParts(s: V3Settings): Plan {
  const selected = new Set<RowId>(s.only ?? ROW_IDS);
  const notRun: Partial<Record<RowId, string>> = {};
  for (const id of ROW_IDS) if (!selected.has(id)) notRun[id] = 'not selected (BENCH_V3_ONLY)';
  if (selected.has('huge') && !s.huge) {
    const e = hugeEstimate(s.hugeOrders);
    notRun.huge = `set BENCH_V3_HUGE=1 (needs ~${e.diskGiB} GB disk, ~${e.minutes} min)`;
    selected.delete('huge');
  }
  const parts = new Set<PartId>();
  const has = (...ids: RowId[]) => ids.some((id) => selected.has(id));
  if (has('full')) parts.add('full');
  if (has('append-1', 'append-0.1', 'noop')) parts.add('append');
  if (has('scattered-1', 'scattered-0.1', 'noop')) parts.add('scattered');
  const reuse = s.scaleDelta === onePercent(s.orders);
  if (has('scale') && !(reuse && parts.has('append'))) parts.add('scale-small-append');
  if (has('scale', 'huge') && !(reuse && parts.has('scattered'))) parts.add('scale-small-scattered');
  if (has('decay')) parts.add('decay');
  if (has('pg-sync')) parts.add('export');
  if (has('small-files', 'new-file')) parts.add('small-files');
  if (has('scale')) {
    parts.add('scale-big-append');
    parts.add('scale-big-scattered');
  }
  if (has('huge')) parts.add('huge');
  const order: PartId[] = [
    'full', 'append', 'scattered', 'scale-small-append', 'scale-small-scattered', 'decay', 'export', 'small-files',
    'scale-big-append', 'scale-big-scattered', 'huge',
  ];
  return { rows: [...ROW_IDS], parts: order.filter((p) => parts.has(p)).map((p) => partSpec(p, s)), notRun };
}

// ---------------------------------------------------------------------------
// The sub-benchmarks' JSON, as far as the rows read it

interface IncrDelta {
  delta: { label: string; orders: number; percent: number };
  median: { incrementalWall: number; incrementalInternal: number; noopWall: number; noopInternal: number };
  shareOfFull: { wall: number; internal: number };
  verification: { match: boolean };
}
export interface IncrJson {
  benchmark: 'incremental';
  settings: { orders: number; kind: 'append' | 'scattered'; memoryLimit?: string };
  fullBuild: { wallSeconds: number; child: { seconds: number } };
  deltas: IncrDelta[];
  verification: { match: boolean };
}
export interface FullJson {
  benchmark: 'full-build';
  results: {
    memoryLimit: string;
    oneShot: { summary: { wallSeconds: number; internalSeconds: number } } | { failed: string };
    pipeline: { summary: { wallSeconds: number; internalSeconds: number } };
    ratioPipelineOverOneShot: { wall: number; internal: number; rss: number } | null;
    verification: { match: boolean | null };
  }[];
}
export interface DecayJson {
  benchmark: 'decay';
  settings: { runs: number; percent: number; deltaOrders: number };
  series: { wall: number }[];
  ratios: { size: number; slowdownWall: number; slowdownInternal: number };
  noop: { wall: number; internal: number };
  decayedBytes: number;
  freshBytes: number;
  verification: { match: boolean };
}
export interface ExportJson {
  deltaSync: { wallSeconds: number; child: { syncSeconds: number; rowsUpserted: number; rowsDeleted: number; mode: string } };
  verification: { verified: boolean };
}
export interface SmallFilesJson {
  orders: number;
  filesOne: number;
  filesMany: number;
  oneTimes: number[];
  manyTimes: number[];
  newFileTimes: number[];
  ratio: number;
  newFileSeconds: number;
}

/** What the runner hands over: each part's JSON, or why there is none. */
export interface PartOutcome {
  /** parsed JSON of a part that exited 0 */
  json?: unknown;
  /** why the part's numbers cannot be used (non-zero exit: a MISMATCH or an error; no JSON) */
  failed?: string;
}

export type Status = 'goal met' | 'bar met' | 'missed' | 'not run' | 'failed';

export interface Row {
  id: RowId;
  case: string;
  /** raw numbers */
  measured: string;
  /** the figure as the issue states it (ratio, share or seconds) */
  stated: string;
  bar: string;
  goal: string;
  status: Status;
  /** why not run / failed */
  reason?: string;
  /** the figures the judgement used */
  values: Record<string, number>;
  /** the command that re-runs just this row's part(s) */
  rerun: string;
}

/** Lower is better: goal met, bar met or missed. */
export function judge(value: number, bar: number, goal: number): Status {
  if (!Number.isFinite(value)) return 'missed';
  if (value <= goal) return 'goal met';
  if (value <= bar) return 'bar met';
  return 'missed';
}

/** Several figures that must all meet their bar (resp. goal). */
export function judgeAll(checks: { value: number; bar: number; goal: number }[]): Status {
  const all = checks.map((c) => judge(c.value, c.bar, c.goal));
  if (all.includes('missed')) return 'missed';
  if (all.includes('bar met')) return 'bar met';
  return 'goal met';
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const sec = (x: number) => `${x.toFixed(2)} s`;
const times = (x: number) => `${x.toFixed(2)}x`;
const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The delta of `deltaOrders` order rows of `kind` on an `orders` history, from any incremental part that measured it. */
export function findDelta(
  outcomes: Partial<Record<PartId, PartOutcome>>,
  want: { orders: number; kind: 'append' | 'scattered'; deltaOrders: number; memoryLimit?: string },
): { json: IncrJson; delta: IncrDelta } | undefined {
  for (const outcome of Object.values(outcomes)) {
    const j = outcome?.json as IncrJson | undefined;
    if (!j || outcome?.failed || j.benchmark !== 'incremental') continue;
    if (j.settings.orders !== want.orders || j.settings.kind !== want.kind) continue;
    if ((j.settings.memoryLimit ?? undefined) !== (want.memoryLimit ?? undefined)) continue;
    const delta = j.deltas.find((d) => d.delta.orders === want.deltaOrders);
    if (delta) return { json: j, delta };
  }
  return undefined;
}

/** Parts each row reads (a failure of any of them fails the row). */
function partsOfRow(id: RowId, plan: Plan): PartId[] {
  const planned = new Set(plan.parts.map((p) => p.id));
  const pick = (...ids: PartId[]) => ids.filter((p) => planned.has(p));
  switch (id) {
    case 'append-1': case 'append-0.1': return ['append'];
    case 'scattered-1': case 'scattered-0.1': return ['scattered'];
    case 'scale': return [...pick('scale-small-append'), ...pick('scale-small-scattered'), 'scale-big-append', 'scale-big-scattered',
      ...(planned.has('scale-small-append') ? [] : ['append' as const]), ...(planned.has('scale-small-scattered') ? [] : ['scattered' as const])];
    case 'huge': return ['huge', ...(planned.has('scale-small-scattered') ? ['scale-small-scattered' as const] : ['scattered' as const])];
    case 'decay': return ['decay'];
    case 'noop': return ['append', 'scattered'];
    case 'full': return ['full'];
    case 'pg-sync': return ['export'];
    case 'small-files': case 'new-file': return ['small-files'];
  }
}

/** `BENCH_ORDERS=... [knobs] BENCH_V3_ONLY=<id> make bench-v3` */
export function rerunCommand(id: RowId, s: V3Settings): string {
  const env: Record<string, string> = { BENCH_ORDERS: String(s.orders), ...s.passThrough };
  if (id === 'scale') {
    env.BENCH_V3_BIG_ORDERS = String(s.bigOrders);
    env.BENCH_V3_SCALE_DELTA = String(s.scaleDelta);
  }
  if (id === 'huge') {
    env.BENCH_V3_HUGE = '1';
    env.BENCH_V3_HUGE_ORDERS = String(s.hugeOrders);
    env.BENCH_V3_SCALE_DELTA = String(s.scaleDelta);
  }
  if (id === 'decay') env.BENCH_DECAY_RUNS = String(s.decayRuns);
  if (id === 'small-files' || id === 'new-file') env.BENCH_V3_SMALL_FILES_ORDERS = String(s.smallFilesOrders);
  env.BENCH_V3_ONLY = id;
  return `${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')} make bench-v3`;
}

interface Measure {
  measured: string;
  stated: string;
  status: Status;
  values: Record<string, number>;
}

/** Computes every row of the table from the parts' outcomes (pure). */
export function computeRows(s: V3Settings, plan: Plan, outcomes: Partial<Record<PartId, PartOutcome>>): Row[] {
  const n = s.orders;
  // Short: the sizes and "wall time including process start" are in the line above the table.
  const cases: Record<RowId, { case: string; bar: string; goal: string }> = {
    'append-1': { case: 'daily append 1 % (share of the full build)', bar: '<= 1.5 %', goal: '<= 1 %' },
    'append-0.1': { case: 'daily append 0.1 %', bar: '<= 0.5 s', goal: '<= 0.3 s' },
    'scattered-1': { case: 'scattered 1 % (share of the full build)', bar: '<= 4 %', goal: '<= 3 %' },
    'scattered-0.1': { case: 'scattered 0.1 %', bar: '<= 1.0 s', goal: '<= 0.6 s' },
    scale: { case: `same ${s.scaleDelta}-order drop on ${n} vs ${s.bigOrders}`, bar: 'append +-15 %, scattered +-25 %', goal: 'both +-10 %' },
    huge: { case: `same ${s.scaleDelta}-order scattered drop on ${s.hugeOrders} (${s.hugeMemoryLimit}) vs ${n}`, bar: '<= 2x', goal: '<= 1.25x' },
    decay: { case: `${s.decayRuns} successive 0.1 % drops (last 5 / first 5 runs)`, bar: 'last <= 1.15x first, size <= 1.2x fresh', goal: 'last <= 1.05x first' },
    noop: { case: 'no-op run right after a run (worst measured)', bar: '<= 0.5 s', goal: '<= 0.3 s' },
    full: { case: 'full build vs the equivalent one-shot', bar: '<= 1.25x', goal: '<= 1.0x' },
    'pg-sync': { case: 'Postgres sync of a 1 % delta (in-process)', bar: '<= 2 s', goal: '<= 1 s' },
    'small-files': { case: `${s.smallFilesOrders} orders as 500-row files vs few files (first build, CLI)`, bar: '<= 2x', goal: '<= 1.2x' },
    'new-file': { case: 'one new 200-row file on the many files (CLI)', bar: '<= 0.5 s', goal: '<= 0.3 s' },
  };

  const json = <T>(p: PartId) => outcomes[p]?.json as T;
  const incr = (p: PartId, percent: number) => {
    const d = json<IncrJson>(p).deltas.find((x) => x.delta.percent === percent);
    if (!d) throw new Error(`${p}: no ${percent} % delta in its JSON`);
    return { full: json<IncrJson>(p).fullBuild, d };
  };
  const share = (p: PartId, bar: number, goal: number): Measure => {
    const { full, d } = incr(p, 1);
    return {
      measured: `${sec(d.median.incrementalWall)} of a ${sec(full.wallSeconds)} full build (internal ${sec(d.median.incrementalInternal)} of ${sec(full.child.seconds)} = ${pct(d.shareOfFull.internal)})`,
      stated: `${pct(d.shareOfFull.wall)} of full`,
      status: judge(d.shareOfFull.wall, bar, goal),
      values: { shareWall: d.shareOfFull.wall, shareInternal: d.shareOfFull.internal, wall: d.median.incrementalWall, fullWall: full.wallSeconds },
    };
  };
  const seconds = (p: PartId, bar: number, goal: number): Measure => {
    const { d } = incr(p, 0.1);
    return {
      measured: `${sec(d.median.incrementalWall)} wall (internal ${sec(d.median.incrementalInternal)}), ${d.delta.orders} order rows`,
      stated: sec(d.median.incrementalWall),
      status: judge(d.median.incrementalWall, bar, goal),
      values: { wall: d.median.incrementalWall, internal: d.median.incrementalInternal },
    };
  };
  // BENCH_MEMORY_LIMIT, when set, applies to every part but the huge one (which sets its own)
  const userLimit = s.passThrough.BENCH_MEMORY_LIMIT;
  const sameDrop = (kind: 'append' | 'scattered', big: number, bigLimit = userLimit) => {
    const small = findDelta(outcomes, { orders: n, kind, deltaOrders: s.scaleDelta, memoryLimit: userLimit });
    const large = findDelta(outcomes, { orders: big, kind, deltaOrders: s.scaleDelta, memoryLimit: bigLimit });
    if (!small || !large) throw new Error(`no ${kind} drop of ${s.scaleDelta} orders on ${!small ? n : big} orders in the parts' JSON`);
    return { small: small.delta.median.incrementalWall, big: large.delta.median.incrementalWall, ratio: large.delta.median.incrementalWall / small.delta.median.incrementalWall };
  };

  const measure: Record<RowId, () => Measure> = {
    'append-1': () => share('append', 0.015, 0.01),
    'append-0.1': () => seconds('append', 0.5, 0.3),
    'scattered-1': () => share('scattered', 0.04, 0.03),
    'scattered-0.1': () => seconds('scattered', 1.0, 0.6),
    scale: () => {
      const a = sameDrop('append', s.bigOrders);
      const sc = sameDrop('scattered', s.bigOrders);
      return {
        measured: `append ${sec(a.small)} -> ${sec(a.big)}, scattered ${sec(sc.small)} -> ${sec(sc.big)}`,
        stated: `append ${times(a.ratio)}, scattered ${times(sc.ratio)}`,
        status: judgeAll([
          { value: Math.abs(a.ratio - 1), bar: 0.15, goal: 0.1 },
          { value: Math.abs(sc.ratio - 1), bar: 0.25, goal: 0.1 },
        ]),
        values: { appendSmall: a.small, appendBig: a.big, appendRatio: a.ratio, scatteredSmall: sc.small, scatteredBig: sc.big, scatteredRatio: sc.ratio },
      };
    },
    huge: () => {
      const h = sameDrop('scattered', s.hugeOrders, s.hugeMemoryLimit);
      return {
        measured: `${sec(h.small)} on ${n} -> ${sec(h.big)} on ${s.hugeOrders}`,
        stated: `${times(h.ratio)} the ${n} case`,
        status: judge(h.ratio, 2, 1.25),
        values: { small: h.small, big: h.big, ratio: h.ratio },
      };
    },
    decay: () => {
      const d = json<DecayJson>('decay');
      const first = d.series[0]?.wall ?? NaN;
      const last = d.series[d.series.length - 1]?.wall ?? NaN;
      return {
        measured: `run 1 ${sec(first)}, run ${d.series.length} ${sec(last)}; ${(d.decayedBytes / 2 ** 20).toFixed(1)} vs ${(d.freshBytes / 2 ** 20).toFixed(1)} MiB fresh; no-op after ${sec(d.noop.wall)}`,
        stated: `last ${times(d.ratios.slowdownWall)} first, size ${times(d.ratios.size)} fresh`,
        status: judgeAll([
          { value: d.ratios.slowdownWall, bar: 1.15, goal: 1.05 },
          { value: d.ratios.size, bar: 1.2, goal: 1.2 },
        ]),
        values: { slowdownWall: d.ratios.slowdownWall, slowdownInternal: d.ratios.slowdownInternal, size: d.ratios.size, noopWall: d.noop.wall },
      };
    },
    noop: () => {
      const seen: [string, number][] = [];
      for (const p of ['append', 'scattered'] as const) {
        for (const d of json<IncrJson>(p).deltas) seen.push([`after ${p} ${d.delta.label}`, d.median.noopWall]);
      }
      const decay = outcomes.decay;
      if (decay?.json && !decay.failed) seen.push([`after the ${s.decayRuns} drops`, (decay.json as DecayJson).noop.wall]);
      const worst = Math.max(...seen.map(([, w]) => w));
      return {
        measured: seen.map(([what, w]) => `${what} ${sec(w)}`).join(', '),
        stated: `${sec(worst)} (worst)`,
        status: judge(worst, 0.5, 0.3),
        values: { worst, ...Object.fromEntries(seen) },
      };
    },
    full: (): Measure => {
      const r = json<FullJson>('full').results[0]!;
      if (!r.ratioPipelineOverOneShot || !('summary' in r.oneShot)) {
        return { measured: `pipeline ${sec(r.pipeline.summary.wallSeconds)}; the one-shot FAILED`, stated: 'one-shot FAILED, pipeline completed', status: 'goal met', values: { pipelineWall: r.pipeline.summary.wallSeconds } };
      }
      const ratio = r.ratioPipelineOverOneShot;
      return {
        measured: `pipeline ${sec(r.pipeline.summary.wallSeconds)} vs one-shot ${sec(r.oneShot.summary.wallSeconds)} (internal ${times(ratio.internal)}, peak RSS ${times(ratio.rss)})`,
        stated: times(ratio.wall),
        status: judge(ratio.wall, 1.25, 1.0),
        values: { ratioWall: ratio.wall, ratioInternal: ratio.internal, ratioRss: ratio.rss, pipelineWall: r.pipeline.summary.wallSeconds, oneShotWall: r.oneShot.summary.wallSeconds },
      };
    },
    'pg-sync': () => {
      const e = json<ExportJson>('export').deltaSync;
      return {
        measured: `${e.child.rowsUpserted} rows upserted, ${e.child.rowsDeleted} deleted (${e.child.mode}) in ${sec(e.child.syncSeconds)}; process wall ${sec(e.wallSeconds)}`,
        stated: sec(e.child.syncSeconds),
        status: judge(e.child.syncSeconds, 2, 1),
        values: { syncSeconds: e.child.syncSeconds, wall: e.wallSeconds, rows: e.child.rowsUpserted },
      };
    },
    'small-files': () => {
      const f = json<SmallFilesJson>('small-files');
      const few = med(f.oneTimes);
      const many = med(f.manyTimes);
      return {
        measured: `${f.filesMany} files ${sec(many)} vs ${f.filesOne} files ${sec(few)} (medians of ${f.manyTimes.length})`,
        stated: times(f.ratio),
        status: judge(f.ratio, 2, 1.2),
        values: { ratio: f.ratio, many, few },
      };
    },
    'new-file': () => {
      const f = json<SmallFilesJson>('small-files');
      return {
        measured: `${sec(f.newFileSeconds)} (median of ${f.newFileTimes.length}) on ${f.filesMany} files`,
        stated: sec(f.newFileSeconds),
        status: judge(f.newFileSeconds, 0.5, 0.3),
        values: { seconds: f.newFileSeconds },
      };
    },
  };

  return ROW_IDS.map((id): Row => {
    const base = { id, ...cases[id], rerun: rerunCommand(id, s) };
    const skipped = plan.notRun[id];
    if (skipped) return { ...base, measured: '', stated: '', status: 'not run', reason: skipped, values: {} };
    const failed = partsOfRow(id, plan).map((p) => (outcomes[p]?.failed ? `${p}: ${outcomes[p]!.failed}` : outcomes[p]?.json ? undefined : `${p}: no result`)).filter(Boolean);
    if (failed.length) return { ...base, measured: '', stated: '', status: 'failed', reason: failed.join('; '), values: {} };
    try {
      return { ...base, ...measure[id]() };
    } catch (error) {
      return { ...base, measured: '', stated: '', status: 'failed', reason: error instanceof Error ? error.message : String(error), values: {} };
    }
  });
}

/** Plain text table, left-aligned. */
export function formatRows(rows: Row[]): string {
  const header = ['row', 'case', 'measured', 'as the issue states it', 'bar', 'goal', 'met/missed'];
  const cells = rows.map((r) => [r.id, r.case, r.status === 'not run' ? `not run: ${r.reason}` : r.status === 'failed' ? `failed: ${r.reason}` : r.measured, r.stated, r.bar, r.goal, r.status === 'not run' || r.status === 'failed' ? r.status.toUpperCase() : r.status]);
  const all = [header, ...cells];
  const widths = header.map((_, i) => Math.max(...all.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}
