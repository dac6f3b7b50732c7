import fs from 'node:fs';
import path from 'node:path';

/** Small seeded PRNG (mulberry32): sequences are reproducible from their seed. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

const ORDER_HEADERS = [
  'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total',
  'Customer ID,Order ID,SKU,Order Time,Order Total,Quantity,Discount,Tip',
];

function orderId(r: Rng, id: number): string {
  return r.chance(0.5) ? `"YR-${id},0"` : String(id);
}

/** A random Orders file: ids from a small space (so keys repeat across files), some late, some bad rows. */
export function randomOrdersCsv(r: Rng): string {
  const header = r.pick(ORDER_HEADERS);
  const lines = [header];
  const n = r.int(0, 12);
  for (let i = 0; i < n; i++) {
    const id = r.int(1, 40);
    const cust = r.int(1, 8);
    // mostly spring 2024, sometimes a late order for an old window
    const day = r.chance(0.15) ? r.int(1, 28) : r.int(1, 60);
    const month = r.chance(0.15) ? 1 : 3;
    const ts = new Date(Date.UTC(2024, month - 1, 1) + day * 86_400_000 + r.int(0, 86_399) * 1000)
      .toISOString()
      .replace('T', r.chance(0.5) ? 'T' : ' ')
      .replace('Z', '')
      .replace('.000', r.chance(0.3) ? '.250' : '');
    const sku = `SKU-${r.int(1, 6)}`;
    const qty = r.chance(0.2) ? `${r.int(1, 5)}.0` : String(r.int(1, 5));
    const total = (r.int(100, 20000) / 100).toFixed(2);
    let row =
      header === ORDER_HEADERS[0]
        ? `${orderId(r, id)},${cust},${ts},${sku},${qty},${total}`
        : `${cust},${orderId(r, id)},${sku},${ts},${total},${qty},${r.int(0, 3)},${r.int(0, 5)}`;
    if (r.chance(0.05)) row = row.replace(total, 'n/a'); // bad number
    if (r.chance(0.03)) row = row.split(',').slice(0, -1).join(','); // wrong field count
    lines.push(row);
  }
  return lines.join('\n') + '\n';
}

export function randomDeliveriesCsv(r: Rng): string {
  const header = r.pick(['Order ID,Distance(m)', 'Order ID,Distance (m),Driver ID', 'Distance_m,Order ID']);
  const lines = [header];
  const n = r.int(0, 12);
  for (let i = 0; i < n; i++) {
    const id = orderId(r, r.int(1, 40));
    const dist = (r.int(10, 900000) / 100).toFixed(2);
    if (header.startsWith('Distance_m')) lines.push(`${dist},${id}`);
    else if (header.includes('Driver')) lines.push(`${id},${dist},d${r.int(1, 9)}`);
    else lines.push(`${id},${dist}`);
  }
  return lines.join('\n') + '\n';
}

export function randomCustomersJson(r: Rng): string {
  const n = r.int(0, 5);
  const recs = Array.from({ length: n }, () => ({
    'Customer ID': r.int(1, 8),
    'Customer Name': r.pick(['Ани', 'Bo', 'Zoë', 'Li']),
    [r.chance(0.5) ? 'Number of employees' : 'Number of Employees']: r.int(1, 500),
  }));
  return r.chance(0.5) ? JSON.stringify(recs, null, 2) : recs.map((x) => JSON.stringify(x)).join('\n') + '\n';
}

/**
 * The model of a drop folder over time: which file versions are live (the
 * latest content of each path, unless retracted), with strictly increasing
 * mtimes, so a from-scratch run can be given exactly the same final versions.
 */
export class DropModel {
  private mtime = 0;
  /** path -> live version (absent when retracted or never written). */
  readonly live = new Map<string, { content: string; mtime: number }>();
  private counter = 0;

  constructor(private readonly dataDir: string) {}

  private readonly lastContent = new Map<string, string>();

  /** Writes a new version of `rel`; returns false (and writes nothing) when the content would not change. */
  write(rel: string, content: string): boolean {
    if (this.lastContent.get(rel) === content) return false;
    this.lastContent.set(rel, content);
    this.mtime += 10;
    const file = path.join(this.dataDir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    const t = 1_704_067_200 + this.mtime;
    fs.utimesSync(file, t, t);
    this.live.set(rel, { content, mtime: t });
    this.pending.add(rel);
    return true;
  }

  newName(dataset: string, ext: string): string {
    return `${dataset}/f${++this.counter}${ext}`;
  }

  paths(): string[] {
    return [...this.live.keys()];
  }

  retracted(rel: string): void {
    this.live.delete(rel);
  }

  /** Paths written since the last run: not yet seen by the pipeline. */
  readonly pending = new Set<string>();

  /** Called after each run: everything on disk has now arrived. */
  arrived(): void {
    this.pending.clear();
  }

  /**
   * Removes an arrived file from disk (archived away): its records stay, per the
   * contract. A file removed before any run saw it never arrived, so only
   * arrived files are removed.
   */
  removeFromDisk(rel: string): boolean {
    if (this.pending.has(rel)) return false;
    fs.rmSync(path.join(this.dataDir, rel), { force: true });
    return true;
  }

  /** Writes the live versions, with their mtimes, into another data dir. */
  materialize(dataDir: string): void {
    for (const [rel, v] of this.live) {
      const file = path.join(dataDir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, v.content);
      fs.utimesSync(file, v.mtime, v.mtime);
    }
  }
}
