import { quotedString } from '@duckdb/node-api';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';

/**
 * A recomputed group is unchanged when its integers and timestamps are equal
 * and its floating-point metrics agree to 1e-12 relative: summing the same
 * doubles in another order (DuckDB aggregates in parallel) changes the last
 * bit, and such noise must not give a group a new version (and a needless
 * Postgres update).
 */
const EXACT = ['Order_Count', 'Total_Quantity_Ordered', 'Distict_Products', 'end_timestamp'];
const FLOATS = [
  'Total_Order_Amount', 'Average_Order_Amount', 'Highest_Order_Amount', 'Lowest_Order_Amount',
  'Average_Quantity_Per_Ordered', 'Total_Delivery_Distance', 'Average_Delivery_Distance',
];
const SAME_VALUES = [
  ...EXACT.map((c) => `s.${c} IS NOT DISTINCT FROM n.${c}`),
  ...FLOATS.map(
    (c) => `(s.${c} IS NOT DISTINCT FROM n.${c} OR coalesce(abs(s.${c} - n.${c}) <= 1e-12 * greatest(abs(s.${c}), abs(n.${c})), false))`,
  ),
].join('\n     AND ');

export interface MetricsChange {
  groupsRecomputed: number;
  groupsUpserted: number;
  groupsDeleted: number;
}

/** `10 days` -> `INTERVAL '10 days'` (the value was validated by the config schema). */
export function windowSql(window: string): string {
  return `INTERVAL ${quotedString(window)}`;
}

/** Adds the groups the current keyed state puts the changed keys in to the temp table affected_groups. */
export async function collectAffectedGroups(w: Warehouse, sql: SqlSnapshot, window: string): Promise<void> {
  await w.run(`
    INSERT INTO affected_groups
    SELECT * FROM (${sql.render('marts/affected_groups.sql', { window: windowSql(window) })})
    EXCEPT SELECT * FROM affected_groups`);
}

/**
 * Recomputes the metrics of the groups in scope and applies the difference to
 * ecommerce_state: changed or new rows get `_version = version`, groups that
 * lost all their orders are deleted and leave a tombstone with that version.
 * `full`: every group is in scope. Otherwise the groups in temp table affected_groups.
 */
export async function recomputeMetrics(
  w: Warehouse,
  opts: { sql: SqlSnapshot; window: string; version: number; full: boolean },
): Promise<MetricsChange> {
  const win = windowSql(opts.window);
  // Incremental: only the orders of the affected groups reach the aggregation —
  // first the affected customers' orders (a cheap semi-join on the integer key),
  // then, of those, the ones in an affected window.
  const orders = opts.full
    ? 'cur_orders'
    : `(SELECT o.* FROM (
          SELECT *, window_start(Order_Time, ${win}) AS _start
          FROM cur_orders
          WHERE Customer_ID IN (SELECT DISTINCT Customer_ID FROM affected_groups)
        ) o
        SEMI JOIN affected_groups g ON g.Customer_ID = o.Customer_ID AND g.start_timestamp = o._start)`;
  const metrics = opts.sql.render('marts/ecommerce_metrics.sql', { orders, window: win });
  const count = (table: string) => w.count(`SELECT count(*) FROM ${table}`);
  if (opts.full && (await count('ecommerce_state')) === 0) {
    // First build: nothing to compare with, so the result goes straight in.
    await w.run(`INSERT INTO ecommerce_state BY NAME SELECT *, ${opts.version} AS _version FROM (${metrics})`);
    await w.run('DELETE FROM ecommerce_tombstones');
    const n = await count('ecommerce_state');
    return { groupsRecomputed: n, groupsUpserted: n, groupsDeleted: 0 };
  }
  await w.run('DROP TABLE IF EXISTS new_metrics');
  await w.run(`CREATE TEMP TABLE new_metrics AS ${metrics}`);
  // Incremental: the affected groups' current rows, read once (one scan of
  // ecommerce_state for both comparisons below instead of two).
  let scope = 'ecommerce_state';
  if (!opts.full) {
    await w.run('DROP TABLE IF EXISTS old_groups');
    await w.run(`
      CREATE TEMP TABLE old_groups AS
      SELECT s.* FROM ecommerce_state s SEMI JOIN affected_groups g
        ON g.Customer_ID = s.Customer_ID AND g.start_timestamp = s.start_timestamp`);
    scope = 'old_groups';
  }
  await w.run('DROP TABLE IF EXISTS changed_groups');
  // An equi-join on the key, then the value comparison as a filter (as residual
  // predicates of an ANTI JOIN the OR-ed tolerance test made DuckDB plan it badly:
  // 13.8 s instead of 0.1 s for 100k groups on a 10M-order warehouse).
  await w.run(`
    CREATE TEMP TABLE changed_groups AS
    SELECT n.* FROM new_metrics n
    LEFT JOIN ${scope} s ON s.Customer_ID = n.Customer_ID AND s.start_timestamp = n.start_timestamp
    WHERE s.Customer_ID IS NULL OR NOT coalesce(${SAME_VALUES}, false)`);
  await w.run('DROP TABLE IF EXISTS gone_groups');
  await w.run(`
    CREATE TEMP TABLE gone_groups AS
    SELECT s.Customer_ID, s.start_timestamp FROM ${scope} s
    ANTI JOIN new_metrics n ON n.Customer_ID = s.Customer_ID AND n.start_timestamp = s.start_timestamp`);

  const upserted = await count('changed_groups');
  const deleted = await count('gone_groups');
  const recomputed = opts.full ? await count('new_metrics') : await count('affected_groups');

  if (upserted + deleted > 0) {
    const keysSql = `(SELECT Customer_ID, start_timestamp FROM changed_groups
                      UNION ALL SELECT Customer_ID, start_timestamp FROM gone_groups)`;
    const stateEmpty = (await count('ecommerce_state')) === 0;
    if (!stateEmpty) {
      await w.run(`
        DELETE FROM ecommerce_state s USING ${keysSql} k
        WHERE s.Customer_ID = k.Customer_ID AND s.start_timestamp = k.start_timestamp`);
    }
    await w.run(`INSERT INTO ecommerce_state BY NAME SELECT *, ${opts.version} AS _version FROM changed_groups`);
    await w.run(`
      DELETE FROM ecommerce_tombstones t USING ${keysSql} k
      WHERE t.Customer_ID = k.Customer_ID AND t.start_timestamp = k.start_timestamp`);
    await w.run(`INSERT INTO ecommerce_tombstones SELECT Customer_ID, start_timestamp, ${opts.version} FROM gone_groups`);
  }
  for (const t of ['new_metrics', 'changed_groups', 'gone_groups', 'old_groups']) await w.run(`DROP TABLE IF EXISTS ${t}`);
  return { groupsRecomputed: recomputed, groupsUpserted: upserted, groupsDeleted: deleted };
}
