import type { CommandModule } from 'yargs';
import { readStatus } from '../../run/readStatus.js';
import { withWarehouse } from '../../warehouse/Warehouse.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';

export const statusCommand: CommandModule<object, GlobalArgs & { json: boolean }> = {
  command: 'status',
  describe: 'files by dataset and state, rejects, quarantined files, last runs, version',
  builder: (y) => withGlobalOptions(y).option('json', { type: 'boolean', default: false }) as never,
  handler: async (args) => {
    const config = configFrom(args);
    await withWarehouse({ path: config.warehousePath, readOnly: true }, async (w) => {
      const s = await readStatus(w);
      if (args.json) {
        console.log(JSON.stringify(s, null, 2));
        return;
      }
      console.log(`warehouse ${config.warehousePath}`);
      console.log(`version ${s.version}, ${s.result_rows} ecommerce rows, window ${s.window ?? '(none yet)'}`);
      for (const d of s.datasets) {
        console.log(`  ${d.dataset.padEnd(10)} ${d.files_loaded} files loaded, ${d.files_quarantined} quarantined, ${d.rows_loaded} rows loaded, ${d.rows_rejected} rejected`);
      }
      const quarantined = s.files.filter((f) => f.status === 'quarantined');
      if (quarantined.length) console.log('quarantined files:');
      for (const f of quarantined) console.log(`  ${f.path}: ${f.reason}`);
      console.log('last runs:');
      for (const r of s.runs.slice(0, 5)) {
        console.log(`  #${r.run_id} ${r.kind} ${r.strategy} at ${r.finished_at}: ${r.files_new} files, ${r.rows_loaded} rows loaded, ${r.rows_rejected} rejected, ${r.groups_upserted} groups upserted, ${r.groups_deleted} deleted`);
      }
      console.log(`sql files: ${s.sql_files.map((f) => `${f.name}@${f.checksum.slice(0, 8)}`).join(', ')}`);
    });
  },
};
