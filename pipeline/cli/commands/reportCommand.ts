import fs from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { PipelineError } from '../../errors/PipelineError.js';
import { buildReport } from '../../report/buildReport.js';
import { withWarehouse } from '../../warehouse/Warehouse.js';
import { warehouseOptions } from '../../warehouse/warehouseOptions.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';
import { requireDuckdb } from '../../engine/requireEngine.js';

export const DEFAULT_REPORT_PATH = './warehouse/report.html';

export const reportCommand: CommandModule<object, GlobalArgs & { out?: string }> = {
  command: 'report',
  describe: 'write a self-contained HTML report with charts (amount per window and market, top customers, orders per group, rejects)',
  builder: (y) =>
    withGlobalOptions(y).option('out', { type: 'string', describe: `HTML file to write [default ${DEFAULT_REPORT_PATH}]` }) as never,
  handler: async (args) => {
    const config = configFrom(args);
    requireDuckdb(config, 'report');
    if (args.out !== undefined && args.out.trim() === '') throw new PipelineError('USAGE', '--out needs a file name, e.g. --out report.html');
    const out = path.resolve(args.out ?? DEFAULT_REPORT_PATH);
    const html = await withWarehouse(warehouseOptions(config, { readOnly: true }), (w) => buildReport(w));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    // write beside the target and rename, so a reader never sees half a page
    const partial = `${out}.${process.pid}.part`;
    fs.writeFileSync(partial, html);
    fs.renameSync(partial, out);
    console.log(out);
  },
};
