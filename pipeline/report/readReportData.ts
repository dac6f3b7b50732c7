/**
 * Everything the HTML report shows, read from the warehouse with plain SQL.
 * Numbers are cast to DOUBLE/INTEGER in SQL so they arrive as JS numbers.
 * "Files" means the current version of each path (the latest ledger row).
 */
import type { Warehouse } from '../warehouse/Warehouse.js';

export interface ReportSummary {
  resultRows: number;
  customers: number;
  windows: number;
  filesLoaded: number;
  filesQuarantined: number;
  rowsLoaded: number;
  rowsRejected: number;
  window: string | null;
  lastRun: { runId: number; kind: string; strategy: string; finishedAt: string } | null;
}

export interface AmountPoint {
  windowStart: string; // 'YYYY-MM-DD HH:MM'
  epoch: number;
  market: string;
  amount: number;
}

export interface TopCustomer {
  customerId: number;
  name: string | null;
  market: string;
  total: number;
  orders: number;
  windows: number;
}

export interface OrderCountBucket {
  orderCount: number;
  groups: number;
}

export interface FileRejects {
  path: string;
  dataset: string;
  rowsRead: number;
  rejected: number;
  byColumn: { column: string; rows: number }[];
}

export interface RejectSample {
  path: string;
  line: number | null;
  column: string | null;
  reason: string;
}

export interface QuarantinedFile {
  path: string;
  dataset: string;
  reason: string | null;
  sizeBytes: number;
  mtime: string;
}

export interface ReportData {
  summary: ReportSummary;
  amountByWindow: AmountPoint[];
  topCustomers: TopCustomer[];
  orderCounts: OrderCountBucket[];
  rejectsByFile: FileRejects[];
  rejectSamples: RejectSample[];
  quarantined: QuarantinedFile[];
}

const CURRENT_FILES = `current_files AS (
  SELECT * FROM pipeline_files
  QUALIFY row_number() OVER (PARTITION BY path ORDER BY file_id DESC) = 1)`;

const CUSTOMERS = `customers AS (
  SELECT Customer_ID,
         any_value(Customer_Name) AS name,
         any_value(coalesce(nullif(trim(Market), ''), 'unknown')) AS market
  FROM current_customers GROUP BY Customer_ID)`;

export const REJECT_SAMPLE_LIMIT = 10;
export const REJECT_FILES_LIMIT = 25;

export async function readReportData(w: Warehouse): Promise<ReportData> {
  const files = (await w.one<{ loaded: number; quarantined: number; rows_loaded: number; rows_rejected: number }>(`
    WITH ${CURRENT_FILES}
    SELECT count(*) FILTER (WHERE status = 'loaded')::INTEGER AS loaded,
           count(*) FILTER (WHERE status = 'quarantined')::INTEGER AS quarantined,
           coalesce(sum(rows_loaded) FILTER (WHERE status = 'loaded'), 0)::DOUBLE AS rows_loaded,
           coalesce(sum(rows_rejected) FILTER (WHERE status = 'loaded'), 0)::DOUBLE AS rows_rejected
    FROM current_files`))!;
  const result = (await w.one<{ n: number; customers: number; windows: number }>(`
    SELECT count(*)::DOUBLE AS n, count(DISTINCT Customer_ID)::DOUBLE AS customers,
           count(DISTINCT start_timestamp)::DOUBLE AS windows
    FROM ecommerce`))!;
  const lastRun = await w.one<{ run_id: number; kind: string; strategy: string; finished_at: string }>(`
    SELECT run_id::DOUBLE AS run_id, kind, strategy, strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished_at
    FROM pipeline_runs ORDER BY run_id DESC LIMIT 1`);
  const window = await w.one<{ value: string }>(`SELECT value FROM pipeline_settings WHERE key = 'window'`);

  const amountByWindow = await w.all<{ window_start: string; epoch: number; market: string; amount: number }>(`
    WITH ${CUSTOMERS}
    SELECT strftime(e.start_timestamp, '%Y-%m-%d %H:%M') AS window_start,
           epoch(e.start_timestamp)::DOUBLE AS epoch,
           coalesce(c.market, 'unknown') AS market,
           coalesce(sum(e.Total_Order_Amount), 0)::DOUBLE AS amount
    FROM ecommerce e LEFT JOIN customers c USING (Customer_ID)
    GROUP BY ALL ORDER BY epoch, market`);

  const topCustomers = await w.all<{ id: number; name: string | null; market: string; total: number; orders: number; windows: number }>(`
    WITH ${CUSTOMERS}
    SELECT e.Customer_ID::INTEGER AS id, any_value(c.name) AS name,
           coalesce(any_value(c.market), 'unknown') AS market,
           coalesce(sum(e.Total_Order_Amount), 0)::DOUBLE AS total,
           sum(e.Order_Count)::DOUBLE AS orders, count(*)::INTEGER AS windows
    FROM ecommerce e LEFT JOIN customers c USING (Customer_ID)
    GROUP BY e.Customer_ID ORDER BY total DESC, id LIMIT 10`);

  const orderCounts = await w.all<{ order_count: number; groups: number }>(`
    SELECT Order_Count::DOUBLE AS order_count, count(*)::DOUBLE AS groups
    FROM ecommerce GROUP BY Order_Count ORDER BY Order_Count`);

  const rejectFiles = await w.all<{ file_id: number; path: string; dataset: string; rows_read: number; rows_rejected: number }>(`
    WITH ${CURRENT_FILES}
    SELECT file_id::INTEGER AS file_id, path, dataset, rows_read::DOUBLE AS rows_read, rows_rejected::DOUBLE AS rows_rejected
    FROM current_files WHERE status = 'loaded' AND rows_rejected > 0
    ORDER BY rows_rejected DESC, path LIMIT ${REJECT_FILES_LIMIT}`);
  const rejectColumns = await w.all<{ file_id: number; column_name: string; n: number }>(`
    WITH ${CURRENT_FILES}
    SELECT r.file_id::INTEGER AS file_id, coalesce(r.column_name, 'whole row') AS column_name, count(*)::DOUBLE AS n
    FROM pipeline_rejects r JOIN current_files f USING (file_id)
    WHERE f.status = 'loaded'
    GROUP BY ALL ORDER BY n DESC, column_name`);
  const rejectSamples = await w.all<{ path: string; line: number | null; column_name: string | null; reason: string }>(`
    WITH ${CURRENT_FILES}
    SELECT r.path, r.line::DOUBLE AS line, r.column_name, r.reason
    FROM pipeline_rejects r JOIN current_files f USING (file_id)
    WHERE f.status = 'loaded'
    ORDER BY r.file_id, r.line LIMIT ${REJECT_SAMPLE_LIMIT}`);

  const quarantined = await w.all<{ path: string; dataset: string; reason: string | null; size_bytes: number; mtime: string }>(`
    WITH ${CURRENT_FILES}
    SELECT path, dataset, reason, size_bytes::DOUBLE AS size_bytes, strftime(mtime, '%Y-%m-%d %H:%M:%S') AS mtime
    FROM current_files WHERE status = 'quarantined' ORDER BY path`);

  return {
    summary: {
      resultRows: result.n,
      customers: result.customers,
      windows: result.windows,
      filesLoaded: files.loaded,
      filesQuarantined: files.quarantined,
      rowsLoaded: files.rows_loaded,
      rowsRejected: files.rows_rejected,
      window: window?.value ?? null,
      lastRun: lastRun ? { runId: lastRun.run_id, kind: lastRun.kind, strategy: lastRun.strategy, finishedAt: lastRun.finished_at } : null,
    },
    amountByWindow: amountByWindow.map((r) => ({ windowStart: r.window_start, epoch: r.epoch, market: r.market, amount: r.amount })),
    topCustomers: topCustomers.map((r) => ({ customerId: r.id, name: r.name, market: r.market, total: r.total, orders: r.orders, windows: r.windows })),
    orderCounts: orderCounts.map((r) => ({ orderCount: r.order_count, groups: r.groups })),
    rejectsByFile: rejectFiles.map((f) => ({
      path: f.path,
      dataset: f.dataset,
      rowsRead: f.rows_read,
      rejected: f.rows_rejected,
      byColumn: rejectColumns.filter((r) => r.file_id === f.file_id).map((r) => ({ column: r.column_name, rows: r.n })),
    })),
    rejectSamples: rejectSamples.map((r) => ({ path: r.path, line: r.line, column: r.column_name, reason: r.reason })),
    quarantined: quarantined.map((q) => ({ path: q.path, dataset: q.dataset, reason: q.reason, sizeBytes: q.size_bytes, mtime: q.mtime })),
  };
}
