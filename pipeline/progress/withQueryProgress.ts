import type { DuckDBConnection } from '@duckdb/node-api';
import type { ProgressStage, ProgressReporter, ProgressUnit } from './ProgressReporter.js';

const POLL_MS = 100;
const enabledOn = new WeakSet<DuckDBConnection>();

/**
 * Runs `work` (statements on `connection`) as one progress stage, polling
 * DuckDB's query progress (`DuckDBConnection.progress`) while it runs. The
 * stage's `total` is scaled by DuckDB's percentage (e.g. a file's bytes), and
 * never goes backwards when the next statement of the stage starts at 0 %.
 * With a disabled reporter it is just `work()`.
 */
export async function withQueryProgress<T>(
  connection: DuckDBConnection,
  progress: ProgressReporter | undefined,
  stage: { name: string; total?: number; unit?: ProgressUnit },
  work: () => Promise<T>,
): Promise<T> {
  if (!progress?.enabled) return work();
  if (!enabledOn.has(connection)) {
    // DuckDB computes query progress only with its progress bar on; it prints nothing itself.
    await connection.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0');
    enabledOn.add(connection);
  }
  const total = stage.total ?? 100;
  const s: ProgressStage = progress.stage(stage.name, total, stage.unit ?? 'percent');
  let best = 0;
  const poll = setInterval(() => {
    const pct = connection.progress.percentage;
    if (pct >= 0 && (pct / 100) * total > best) {
      best = (pct / 100) * total;
      s.update(best);
    }
  }, POLL_MS);
  try {
    return await work();
  } finally {
    clearInterval(poll);
    s.end();
  }
}
