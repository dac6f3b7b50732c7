import { describe, expect, it } from 'vitest';
import {
  computeRows, judge, judgeAll, planParts,
  type DecayJson, type ExportJson, type FullJson, type IncrJson, type PartOutcome, type PartId, type SmallFilesJson, type V3Settings,
} from '../../bench/engineV3Table.js';

const settings = (over: Partial<V3Settings> = {}): V3Settings => ({
  orders: 10_000_000, bigOrders: 30_000_000, hugeOrders: 100_000_000, huge: false, hugeMemoryLimit: '8GB',
  smallFilesOrders: 1_000_000, scaleDelta: 100_000, decayRuns: 100, only: null, passThrough: {}, ...over,
});

/** An incremental benchmark's JSON with one delta per entry: [label, orders, percent, wall, internal, noop wall]. */
const incr = (orders: number, kind: 'append' | 'scattered', fullWall: number, deltas: [string, number, number, number, number, number][], memoryLimit?: string): IncrJson => ({
  benchmark: 'incremental',
  settings: { orders, kind, memoryLimit },
  fullBuild: { wallSeconds: fullWall, child: { seconds: fullWall - 1 } },
  deltas: deltas.map(([label, n, percent, wall, internal, noop]) => ({
    delta: { label, orders: n, percent },
    median: { incrementalWall: wall, incrementalInternal: internal, noopWall: noop, noopInternal: 0.1 },
    shareOfFull: { wall: wall / fullWall, internal: internal / (fullWall - 1) },
    verification: { match: true },
  })),
  verification: { match: true },
});

const full: FullJson = {
  benchmark: 'full-build',
  results: [{
    memoryLimit: 'default',
    oneShot: { summary: { wallSeconds: 25, internalSeconds: 24 } },
    pipeline: { summary: { wallSeconds: 30, internalSeconds: 29 } },
    ratioPipelineOverOneShot: { wall: 1.2, internal: 29 / 24, rss: 0.5 },
    verification: { match: true },
  }],
};
const decay: DecayJson = {
  benchmark: 'decay',
  settings: { runs: 100, percent: 0.1, deltaOrders: 10_000 },
  series: [{ wall: 1.6 }, { wall: 2.6 }],
  ratios: { size: 1.03, slowdownWall: 1.54, slowdownInternal: 1.5 },
  noop: { wall: 0.77, internal: 0.33 },
  decayedBytes: 800 * 2 ** 20,
  freshBytes: 777 * 2 ** 20,
  verification: { match: true },
};
const exported: ExportJson = {
  deltaSync: { wallSeconds: 4.9, child: { syncSeconds: 4.39, rowsUpserted: 99_838, rowsDeleted: 0, mode: 'upsert' } },
  verification: { verified: true },
};
const smallFiles: SmallFilesJson = {
  orders: 1_000_000, filesOne: 5, filesMany: 4003, oneTimes: [7, 8, 9], manyTimes: [20, 22, 30], newFileTimes: [0.4, 0.45, 0.5], ratio: 22 / 8, newFileSeconds: 0.45,
};

// Every number below is chosen by hand; the expected judgements are written out, not computed.
const outcomes = (): Partial<Record<PartId, PartOutcome>> => ({
  full: { json: full },
  // 1 %: 1.2 s of 100 s = 1.2 % (bar 1.5 %, goal 1 %); 0.1 %: 0.25 s (goal 0.3 s)
  append: { json: incr(10_000_000, 'append', 100, [['1%', 100_000, 1, 1.2, 1.0, 0.45], ['0.1%', 10_000, 0.1, 0.25, 0.2, 0.35]]) },
  // 1 %: 5 s of 100 s = 5 % (bar 4 %); 0.1 %: 0.8 s (bar 1 s, goal 0.6 s)
  scattered: { json: incr(10_000_000, 'scattered', 100, [['1%', 100_000, 1, 5, 4.5, 0.4], ['0.1%', 10_000, 0.1, 0.8, 0.7, 0.3]]) },
  // the same 100k drop on 30M: append 1.2 -> 1.32 s = 1.1x (within 15 %), scattered 5 -> 6 s = 1.2x (within 25 %)
  'scale-big-append': { json: incr(30_000_000, 'append', 300, [['100000 orders', 100_000, 1 / 3, 1.32, 1.2, 0.4]]) },
  'scale-big-scattered': { json: incr(30_000_000, 'scattered', 300, [['100000 orders', 100_000, 1 / 3, 6, 5.5, 0.4]]) },
  decay: { json: decay },
  export: { json: exported },
  'small-files': { json: smallFiles },
});

describe('bench-v3: which parts run', () => {
  it('all rows: the 1 % runs double as the small side of the same-drop row; the huge row says how to enable it', () => {
    const plan = planParts(settings());
    expect(plan.parts.map((p) => p.id)).toEqual(['full', 'append', 'scattered', 'decay', 'export', 'small-files', 'scale-big-append', 'scale-big-scattered']);
    expect(plan.notRun.huge).toMatch(/^set BENCH_V3_HUGE=1 \(needs ~\d+ GB disk, ~\d+ min\)$/);
    expect(Object.keys(plan.notRun)).toEqual(['huge']);
    const big = plan.parts.find((p) => p.id === 'scale-big-scattered')!;
    expect(big.env).toEqual({ BENCH_ORDERS: '30000000', BENCH_DELTA_KIND: 'scattered', BENCH_DELTA_ORDERS: '100000', BENCH_ONESHOT_CHECK: '0' });
    expect(big.json).toBe('incr-30000000-abs.json');
    expect(plan.parts.find((p) => p.id === 'append')!.json).toBe('incr-10000000-append.json');
  });

  it('one row alone runs its own small side; the others are reported as not selected', () => {
    const plan = planParts(settings({ only: ['scale'] }));
    expect(plan.parts.map((p) => p.id)).toEqual(['scale-small-append', 'scale-small-scattered', 'scale-big-append', 'scale-big-scattered']);
    expect(plan.notRun['append-1']).toBe('not selected (BENCH_V3_ONLY)');
    expect(plan.notRun.scale).toBeUndefined();
  });

  it('huge with BENCH_V3_HUGE=1: the 100M drop under the 8GB limit and the same drop on 10M', () => {
    const plan = planParts(settings({ only: ['huge'], huge: true }));
    expect(plan.parts.map((p) => p.id)).toEqual(['scale-small-scattered', 'huge']);
    expect(plan.parts[1]!.env).toMatchObject({ BENCH_ORDERS: '100000000', BENCH_DELTA_ORDERS: '100000', BENCH_MEMORY_LIMIT: '8GB' });
  });
});

describe('bench-v3: rows and judgements', () => {
  it('judge: lower is better; the bar and the goal themselves count as met', () => {
    expect(judge(0.3, 0.5, 0.3)).toBe('goal met');
    expect(judge(0.5, 0.5, 0.3)).toBe('bar met');
    expect(judge(0.51, 0.5, 0.3)).toBe('missed');
    expect(judge(NaN, 0.5, 0.3)).toBe('missed');
    expect(judgeAll([{ value: 0.05, bar: 0.15, goal: 0.1 }, { value: 0.2, bar: 0.25, goal: 0.1 }])).toBe('bar met');
    expect(judgeAll([{ value: 0.05, bar: 0.15, goal: 0.1 }, { value: 0.3, bar: 0.25, goal: 0.1 }])).toBe('missed');
  });

  it('every row from hand-made sub-benchmark JSON', () => {
    const s = settings();
    const rows = computeRows(s, planParts(s), outcomes());
    const by = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(rows.map((r) => r.id)).toEqual(['append-1', 'append-0.1', 'scattered-1', 'scattered-0.1', 'scale', 'huge', 'decay', 'noop', 'full', 'pg-sync', 'small-files', 'new-file']);
    expect([by['append-1']!.stated, by['append-1']!.status]).toEqual(['1.2 % of full', 'bar met']);
    expect([by['append-0.1']!.stated, by['append-0.1']!.status]).toEqual(['0.25 s', 'goal met']);
    expect([by['scattered-1']!.stated, by['scattered-1']!.status]).toEqual(['5.0 % of full', 'missed']);
    expect([by['scattered-0.1']!.stated, by['scattered-0.1']!.status]).toEqual(['0.80 s', 'bar met']);
    expect([by.scale!.stated, by.scale!.status]).toEqual(['append 1.10x, scattered 1.20x', 'bar met']);
    expect(by.scale!.measured).toBe('append 1.20 s -> 1.32 s, scattered 5.00 s -> 6.00 s');
    expect(by.huge!.status).toBe('not run');
    expect(by.huge!.reason).toMatch(/BENCH_V3_HUGE=1/);
    expect([by.decay!.stated, by.decay!.status]).toEqual(['last 1.54x first, size 1.03x fresh', 'missed']);
    // worst no-op: 0.77 s after the decay series (append's 0.45 s, scattered's 0.40 s and 0.30 s are lower)
    expect([by.noop!.stated, by.noop!.status]).toEqual(['0.77 s (worst)', 'missed']);
    expect([by.full!.stated, by.full!.status]).toEqual(['1.20x', 'bar met']);
    expect([by['pg-sync']!.stated, by['pg-sync']!.status]).toEqual(['4.39 s', 'missed']);
    expect([by['small-files']!.stated, by['small-files']!.status]).toEqual(['2.75x', 'missed']);
    expect(by['small-files']!.measured).toBe('4003 files 22.00 s vs 5 files 8.00 s (medians of 3)');
    expect([by['new-file']!.stated, by['new-file']!.status]).toEqual(['0.45 s', 'bar met']);
    expect(by['append-1']!.rerun).toBe('BENCH_ORDERS=10000000 BENCH_V3_ONLY=append-1 make bench-v3');
    expect(by.scale!.rerun).toBe('BENCH_ORDERS=10000000 BENCH_V3_BIG_ORDERS=30000000 BENCH_V3_SCALE_DELTA=100000 BENCH_V3_ONLY=scale make bench-v3');
  });

  it('a part that failed (MISMATCH) fails its rows and only those; a missing JSON too', () => {
    const s = settings();
    const o = outcomes();
    o.scattered = { json: o.scattered!.json, failed: 'exit 1 (a MISMATCH or an error: see its output above)' };
    delete o.export;
    const by = Object.fromEntries(computeRows(s, planParts(s), o).map((r) => [r.id, r]));
    for (const id of ['scattered-1', 'scattered-0.1', 'scale', 'noop']) {
      expect(by[id]!.status, id).toBe('failed');
      expect(by[id]!.reason, id).toMatch(/^scattered: exit 1/);
    }
    expect(by['pg-sync']!.status).toBe('failed');
    expect(by['pg-sync']!.reason).toBe('export: no result');
    expect(by['append-1']!.status).toBe('bar met');
    expect(by.decay!.status).toBe('missed');
  });

  it('the huge row compares the 100M drop (8GB limit) with the same drop on the 10M history', () => {
    const s = settings({ only: ['huge'], huge: true });
    const rows = computeRows(s, planParts(s), {
      'scale-small-scattered': { json: incr(10_000_000, 'scattered', 100, [['100000 orders', 100_000, 1, 2.5, 2.2, 0.4]]) },
      // a run without the memory limit must not be taken for the huge case
      'scale-big-scattered': { json: incr(100_000_000, 'scattered', 900, [['100000 orders', 100_000, 0.1, 99, 98, 0.4]]) },
      huge: { json: incr(100_000_000, 'scattered', 1000, [['100000 orders', 100_000, 0.1, 4.5, 4, 0.4]], '8GB') },
    });
    const huge = rows.find((r) => r.id === 'huge')!;
    expect([huge.stated, huge.status]).toEqual(['1.80x the 10000000 case', 'bar met']);
    expect(rows.filter((r) => r.status === 'not run').length).toBe(11);
  });
});
