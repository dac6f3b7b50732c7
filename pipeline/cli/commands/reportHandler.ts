/** `report`: what the command does once its arguments are parsed (reportCommand.ts declares them). */
import fs from 'node:fs';
import path from 'node:path';
import { PipelineError } from '../../errors/PipelineError.js';
import { buildReport } from '../../report/buildReport.js';
import { withWarehouse } from '../../warehouse/Warehouse.js';
import { warehouseOptions } from '../../warehouse/warehouseOptions.js';
import { configFrom, type GlobalArgs } from '../globalOptions.js';
import { requireDuckdb } from '../../engine/requireEngine.js';
import { DEFAULT_REPORT_PATH } from './reportCommand.js';

export async function report(args: GlobalArgs & { out?: string }): Promise<void> {
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
}
