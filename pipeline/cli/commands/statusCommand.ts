import fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { scanDropFolders } from '../../ingest/scanDropFolders.js';
import { readStatus } from '../../run/readStatus.js';
import { printIgnored } from '../printRunReport.js';
import { terminalField } from '../terminalField.js';
import { withExportOptions, type ExportArgs } from '../exportOptions.js';
import { withWarehouse } from '../../warehouse/Warehouse.js';
import { statusConsistency, statusIntegrity } from '../../warehouse/checkIntegrity.js';
import { warehouseOptions } from '../../warehouse/warehouseOptions.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';

export const statusCommand: CommandModule<object, GlobalArgs & ExportArgs & { json: boolean }> = {
  command: 'status',
  describe: 'files by dataset and state, rejects, quarantined files, last runs, version',
  builder: (y) => withExportOptions(withGlobalOptions(y)).option('json', { type: 'boolean', default: false }) as never,
  handler: async (args) => {
    const config = configFrom(args);
    if (config.engine === 'spark') {
      const { readLakeStatus } = await import('../../engine/spark/readLakeStatus.js');
      const { withLake } = await import('../../engine/spark/SparkLake.js');
      const { lakeExportSource } = await import('../../engine/spark/exportFromLake.js');
      const { readSyncStatus } = await import('../../export/readSyncStatus.js');
      const { s, postgres } = await withLake(config, { readOnly: true }, async (l) => {
        const s = await readLakeStatus(l);
        const postgres = args.export === false || s.version === null
          ? undefined
          : await readSyncStatus(await lakeExportSource(l), config.warehousePath, { postgres: args.postgres, pgSchema: args['pg-schema'] });
        return { s, postgres };
      });
      if (args.json) {
        console.log(JSON.stringify({ ...s, postgres }, null, 2));
        return;
      }
      console.log(`lake ${terminalField(config.lake)} (engine spark, ${terminalField(config.sparkRemote ?? '')})`);
      console.log(`version ${s.version ?? 0}, ${s.result_rows} ecommerce rows, window ${s.window ?? '(none yet)'}`);
      for (const d of s.datasets) {
        console.log(`  ${d.dataset.padEnd(10)} ${d.files_loaded} files loaded, ${d.files_quarantined} quarantined, ${d.rows_loaded} rows loaded, ${d.rows_rejected} rejected`);
      }
      const quarantined = s.files.filter((f) => f.status === 'quarantined');
      if (quarantined.length) console.log('quarantined files:');
      for (const f of quarantined) console.log(`  ${terminalField(f.path)}: ${terminalField(String(f.reason))}`);
      for (const r of s.runs) {
        console.log(`  run ${r.run_id} ${r.kind} (${r.strategy}): ${r.files_new} new files, ${r.rows_loaded} rows, ${r.groups_upserted} groups upserted, ${r.groups_deleted} deleted`);
      }
      return;
    }
    await withWarehouse(warehouseOptions(config, { readOnly: true, allowInterruptedFirstBuild: true }), async (w) => {
      // First: a damaged file must not be reported as fine (WAREHOUSE_CORRUPT, exit 1).
      const bytes = fs.statSync(config.warehousePath).size;
      const integrity = await statusIntegrity(w, bytes);
      // Skipped entries are not recorded: the drop folders are listed now (cheap, no file is read).
      const s = { ...(await readStatus(w)), ignored: scanDropFolders(config.dataDir).ignored };
      // The parts of an interrupted first build are not checked: the next run undoes them.
      const consistency = s.interrupted_first_build === null ? await statusConsistency(w, bytes) : null;
      // Damage (e.g. rows deleted by hand) is a failure for scripts too, as in `check`.
      if (consistency && consistency.problems.length > 0) process.exitCode = 1;
      const postgres = args.export === false ? undefined : await (await import('../../export/readSyncStatus.js')).readSyncStatus(w, config.warehousePath, { postgres: args.postgres, pgSchema: args['pg-schema'] });
      if (args.json) {
        console.log(JSON.stringify({ ...s, integrity, consistency, postgres }, null, 2));
        return;
      }
      console.log(`warehouse ${terminalField(config.warehousePath)}`);
      console.log(`version ${s.version}, ${s.result_rows} ecommerce rows, window ${s.window ?? '(none yet)'}`);
      if (s.interrupted_first_build !== null) {
        console.log(`a first build (run #${s.interrupted_first_build}) was interrupted; nothing is loaded yet: the next run undoes it and loads the files again`);
      }
      console.log(
        integrity.scanned
          ? `integrity: ok, every block of ${integrity.tables} tables read (${integrity.rows} rows, ${integrity.seconds.toFixed(2)}s)`
          : `integrity: headers and metadata ok; data blocks not read (${integrity.reason})`,
      );
      if (consistency && consistency.problems.length === 0) {
        console.log(
          consistency.checked === 'data tests'
            ? `consistency: ok, ledger, raw rows, keyed state and ecommerce agree (every data test of sql/tests/, ${consistency.seconds.toFixed(2)}s)`
            : `consistency: ok by row counts (${consistency.seconds.toFixed(2)}s); \`pipeline check\` runs every data test`,
        );
      } else if (consistency) {
        console.log(`consistency: PROBLEM: the warehouse disagrees with itself: ${consistency.problems.join('; ')}`);
        console.log(`  ${consistency.repair}`);
      }
      for (const d of s.datasets) {
        console.log(`  ${d.dataset.padEnd(10)} ${d.files_loaded} files loaded, ${d.files_quarantined} quarantined, ${d.rows_loaded} rows loaded, ${d.rows_rejected} rejected`);
      }
      const quarantined = s.files.filter((f) => f.status === 'quarantined');
      if (quarantined.length) console.log('quarantined files:');
      for (const f of quarantined) console.log(`  ${terminalField(f.path)}: ${terminalField(String(f.reason))}`);
      if (s.ignored.length) console.log('skipped entries in the drop folders:');
      printIgnored(s.ignored);
      console.log('last runs:');
      for (const r of s.runs.slice(0, 5)) {
        const seconds = (Date.parse(`${String(r.finished_at).replace(' ', 'T')}Z`) - Date.parse(`${String(r.started_at).replace(' ', 'T')}Z`)) / 1000;
        console.log(
          `  #${r.run_id} ${r.kind} ${r.strategy} at ${r.finished_at} (${Number.isFinite(seconds) ? seconds.toFixed(2) : '?'}s): ` +
            `${r.files_new} files, ${r.rows_loaded} rows loaded, ${r.rows_rejected} rejected, ` +
            `${r.groups_recomputed} groups recomputed, ${r.groups_upserted} upserted, ${r.groups_deleted} deleted`,
        );
      }
      if (postgres) {
        console.log(
          `postgres ${postgres.connection} ${postgres.target}: ` +
            (postgres.watermark === null
              ? `unknown (${terminalField(String(postgres.error))})`
              : `synced to version ${postgres.watermark} of ${postgres.duckdbVersion}, ${postgres.rowsBehind} rows and ${postgres.tombstonesBehind} deletions behind`),
        );
      }
      console.log(`sql files: ${s.sql_files.map((f) => `${f.name}@${f.checksum.slice(0, 8)}`).join(', ')}`);
    });
  },
};
