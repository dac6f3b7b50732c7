import type { CommandModule } from 'yargs';
import type { GenerateFormat } from '../../generate/filePlan.js';

interface GenerateArgs {
  out: string;
  orders: number;
  customers?: number;
  seed: number;
  files?: number;
  format: GenerateFormat;
}

export const generateCommand: CommandModule<object, GenerateArgs> = {
  command: 'generate',
  describe: 'write deterministic sample files (both markets, every schema version) into --out',
  builder: (y) =>
    y
      .option('out', { type: 'string', demandOption: true, describe: 'folder to write Orders/, Deliveries/, Customers/ into' })
      .option('orders', { type: 'number', default: 5000 })
      .option('customers', { type: 'number', describe: 'default: orders / 12, at least 10' })
      .option('seed', { type: 'number', default: 42 })
      .option('files', { type: 'number', describe: 'order files to spread the orders over' })
      .option('format', {
        choices: ['csv', 'parquet', 'mixed'] as const,
        default: 'csv' as GenerateFormat,
        describe: 'csv; parquet (typed Parquet orders and deliveries); mixed (CSV, the last deliveries file Parquet)',
      }) as never,
  handler: async (args) => {
    const customers = args.customers ?? Math.max(10, Math.round(args.orders / 12));
    // the generator loads when the command runs (a `run` does not load it: CLI start-up, issue 18)
    const { generateDataset } = await import('../../generate/generateDataset.js');
    const report = await generateDataset({ outDir: args.out, orders: args.orders, customers, seed: args.seed, files: args.files, format: args.format });
    for (const f of report.files) console.log(`${f.path}\t${f.rows} rows\t${f.bytes} bytes`);
    console.log(`${report.orders} orders, ${report.customers} customers in ${report.seconds.toFixed(1)}s`);
  },
};
