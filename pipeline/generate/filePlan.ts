/**
 * Which files the generator writes, what each holds, and in which order they
 * "arrive" (the order they are written and their modification times).
 */
import type { CsvVersion } from './csvVersions.js';

export type Dataset = 'Orders' | 'Deliveries' | 'Customers';

export interface CsvFilePlan {
  kind: 'csv';
  dataset: 'Orders' | 'Deliveries';
  /** Path relative to outDir, with '/' separators. */
  relPath: string;
  version: CsvVersion;
  gzip: boolean;
  /** Written as Parquet (typed columns) instead of CSV. */
  parquet: boolean;
  /** Order indexes [from, to). */
  from: number;
  to: number;
}

export type CustomerFormat = 'pretty-array' | 'ndjson' | 'array-gzip';

export interface CustomerFilePlan {
  kind: 'customers';
  dataset: 'Customers';
  relPath: string;
  version: 1 | 2 | 3;
  format: CustomerFormat;
  /** Customer IDs [from, to). */
  from: number;
  to: number;
}

export type FilePlan = CsvFilePlan | CustomerFilePlan;

export const DEFAULT_ORDER_FILES = 5;

/** csv: every orders/deliveries file CSV; parquet: every one Parquet; mixed: CSV, but the last deliveries file Parquet. */
export type GenerateFormat = 'csv' | 'parquet' | 'mixed';

/** Version of the k-th of `files` CSV files: the versions split the files in thirds. */
function versionOf(k: number, files: number): CsvVersion {
  return (1 + Math.floor((k * 3) / files)) as CsvVersion;
}

function pad(k: number, files: number): string {
  return String(k + 1).padStart(Math.max(2, String(files).length), '0');
}

/**
 * Plans the files in arrival order:
 * customers v1, then (orders k, deliveries k) pairs, with customers v2 and v3
 * dropped in after the first and second third of the pairs.
 *
 * Delivery files lag their order files: the last third of order file k's
 * deliveries are in delivery file k + 1 (except for the last file).
 */
export function planFiles(orders: number, customers: number, files: number, format: GenerateFormat = 'csv'): FilePlan[] {
  const orderBounds: number[] = [];
  for (let k = 0; k <= files; k++) orderBounds.push(Math.floor((k * orders) / files));
  const lag = Math.floor(orders / (3 * files));
  const deliveryBounds = orderBounds.map((b, k) => (k === 0 || k === files ? b : Math.max(0, b - lag)));

  const c1 = 1 + Math.floor(customers / 2);
  const c2 = 1 + Math.floor((customers * 4) / 5);
  const customerFiles: CustomerFilePlan[] = [
    { kind: 'customers', dataset: 'Customers', relPath: 'Customers/customers_export_2023-12.json', version: 1, format: 'pretty-array', from: 1, to: c1 },
    { kind: 'customers', dataset: 'Customers', relPath: 'Customers/customers_export_2024-06.ndjson', version: 2, format: 'ndjson', from: c1, to: c2 },
    { kind: 'customers', dataset: 'Customers', relPath: 'Customers/customers_export_2024-12.json.gz', version: 3, format: 'array-gzip', from: c2, to: customers + 1 },
  ];

  const plan: FilePlan[] = [customerFiles[0]!];
  const c2After = Math.floor((files - 1) / 3);
  const c3After = Math.floor((2 * (files - 1)) / 3);
  for (let k = 0; k < files; k++) {
    const version = versionOf(k, files);
    const orderParquet = format === 'parquet';
    const deliveryParquet = format === 'parquet' || (format === 'mixed' && k === files - 1);
    const orderGzip = !orderParquet && k % 2 === 1;
    const deliveryGzip = !deliveryParquet && k > 0 && k % 2 === 0;
    const ext = (parquet: boolean, gzip: boolean) => (parquet ? '.parquet' : `.csv${gzip ? '.gz' : ''}`);
    plan.push({
      kind: 'csv',
      dataset: 'Orders',
      relPath: `Orders/orders_2024_${pad(k, files)}${ext(orderParquet, orderGzip)}`,
      version,
      gzip: orderGzip,
      parquet: orderParquet,
      from: orderBounds[k]!,
      to: orderBounds[k + 1]!,
    });
    plan.push({
      kind: 'csv',
      dataset: 'Deliveries',
      relPath: `Deliveries/deliveries_2024_${pad(k, files)}${ext(deliveryParquet, deliveryGzip)}`,
      version,
      gzip: deliveryGzip,
      parquet: deliveryParquet,
      from: deliveryBounds[k]!,
      to: deliveryBounds[k + 1]!,
    });
    if (k === c2After) plan.push(customerFiles[1]!);
    if (k === c3After) plan.push(customerFiles[2]!);
  }
  return plan;
}
