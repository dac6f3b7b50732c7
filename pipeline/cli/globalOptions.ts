import type { Argv } from 'yargs';
import { loadConfig, type PipelineConfig } from '../config/loadConfig.js';

export interface GlobalArgs {
  data?: string;
  warehouse?: string;
  window?: string;
  threads?: string;
  'memory-limit'?: string;
  wait?: number;
  engine?: string;
  'spark-remote'?: string;
  lake?: string;
  config?: string;
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
    })
    .option('engine', { type: 'string', describe: 'duckdb (one machine) or spark (a Spark Connect cluster) [env PIPELINE_ENGINE, default duckdb]' })
    .option('spark-remote', { type: 'string', describe: 'Spark Connect endpoint sc://host:port, engine spark [env PIPELINE_SPARK_REMOTE]' })
    .option('lake', { type: 'string', describe: "folder (or URI) of the Spark engine's Delta tables [env PIPELINE_LAKE, default ./lake]" })
    .option('config', { type: 'string', describe: 'JSON config file [env PIPELINE_CONFIG, default ./pipeline.config.json if present]' }) as Argv<T & GlobalArgs>;
}

export function configFrom(args: GlobalArgs): PipelineConfig {
  return loadConfig({
    data: args.data,
    warehouse: args.warehouse,
    window: args.window,
    threads: args.threads,
    memoryLimit: args['memory-limit'],
    wait: args.wait,
    engine: args.engine,
    sparkRemote: args['spark-remote'],
    lake: args.lake,
    config: args.config,
  });
}
