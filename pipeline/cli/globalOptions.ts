import type { Argv } from 'yargs';
import { loadConfig, type PipelineConfig } from '../config/loadConfig.js';

export interface GlobalArgs {
  data?: string;
  warehouse?: string;
  window?: string;
  threads?: string;
  'memory-limit'?: string;
  wait?: number;
}

export function withGlobalOptions<T>(y: Argv<T>): Argv<T & GlobalArgs> {
  return y
    .option('data', { type: 'string', describe: 'data folder with Orders/, Deliveries/, Customers/ [env PIPELINE_DATA_DIR, default ./data]' })
    .option('warehouse', { type: 'string', describe: 'DuckDB warehouse file [env PIPELINE_WAREHOUSE, default ./warehouse/ecommerce.duckdb]' })
    .option('window', { type: 'string', describe: 'window size, e.g. "10 days" [env PIPELINE_WINDOW, default 10 days]' })
    .option('threads', { type: 'string', describe: 'DuckDB worker threads [env PIPELINE_THREADS, default: all cores]' })
    .option('memory-limit', { type: 'string', describe: 'DuckDB memory limit, e.g. 2GB; DuckDB spills beyond it [env PIPELINE_MEMORY_LIMIT]' })
    .option('wait', {
      type: 'number',
      describe: 'seconds to wait while another process (e.g. a watch batch) holds the warehouse; 0 fails at once [env PIPELINE_WAIT, default 60]',
    }) as Argv<T & GlobalArgs>;
}

export function configFrom(args: GlobalArgs): PipelineConfig {
  return loadConfig({
    data: args.data,
    warehouse: args.warehouse,
    window: args.window,
    threads: args.threads,
    memoryLimit: args['memory-limit'],
    wait: args.wait,
  });
}
