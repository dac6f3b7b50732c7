import type { CommandModule } from 'yargs';
import { runDataTests } from '../../run/runDataTests.js';
import { withWarehouse } from '../../warehouse/Warehouse.js';
import { checkIntegrity } from '../../warehouse/checkIntegrity.js';
import { SqlSnapshot } from '../../warehouse/sqlFiles.js';
import { warehouseOptions } from '../../warehouse/warehouseOptions.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';
import { requireDuckdb } from '../../engine/requireEngine.js';

export const checkCommand: CommandModule<object, GlobalArgs & { integrity: boolean }> = {
  command: 'check',
  describe: 'run the data tests in sql/tests/ (each SELECT returns the rows that break a rule, and says what repairs it)',
  builder: (y) =>
    withGlobalOptions(y).option('integrity', {
      type: 'boolean',
      default: false,
      describe: 'first read every block of every table (a full scan): a corrupt warehouse fails with WAREHOUSE_CORRUPT',
    }) as never,
  handler: async (args) => {
    const config = configFrom(args);
    requireDuckdb(config, 'check');
    await withWarehouse(warehouseOptions(config, { readOnly: true }), async (w) => {
      let failed = 0;
      if (args.integrity) {
        const r = await checkIntegrity(w);
        console.log(`ok   integrity: every block of ${r.tables} tables read (${r.rows} rows, ${r.seconds.toFixed(2)}s)`);
      }
      const started = performance.now();
      for (const t of await runDataTests(w, SqlSnapshot.read().ofKind('tests'))) {
        console.log(`${t.failures === 0 ? 'ok  ' : 'FAIL'} ${t.name}${t.failures ? ` (${t.failures} rows)` : ''} ${t.seconds.toFixed(2)}s`);
        for (const row of t.sample) console.log(`     ${JSON.stringify(row)}`);
        if (t.failures && t.repair) console.log(`     repair: ${t.repair}`);
        if (t.failures) failed++;
      }
      console.log(`${failed ? `${failed} data test(s) failed` : 'every data test passed'} in ${((performance.now() - started) / 1000).toFixed(2)}s`);
      process.exitCode = failed ? 1 : 0;
    });
  },
};
