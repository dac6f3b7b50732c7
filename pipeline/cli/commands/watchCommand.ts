import type { CommandModule } from 'yargs';
import { terminalProgress } from '../../progress/terminalProgress.js';
import { exportEnabled, withExportOptions, type ExportArgs } from '../exportOptions.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';

interface WatchArgs extends GlobalArgs, ExportArgs {
  'settle-ms': number;
  'debounce-ms': number;
  'idle-checkpoint-ms': number;
  'rescan-ms': number;
}

export const watchCommand: CommandModule<object, WatchArgs> = {
  command: 'watch',
  describe: 'watch the drop folders; each batch of arrivals is one incremental run + export (Ctrl-C stops cleanly)',
  builder: (y) =>
    withExportOptions(withGlobalOptions(y))
      .option('settle-ms', { type: 'number', default: 250, describe: 'a file is read once unchanged for this long' })
      .option('debounce-ms', { type: 'number', default: 100, describe: 'arrivals this close together form one batch' })
      .option('rescan-ms', { type: 'number', default: 5000, describe: 'safety-net rescan of the drop folders (file events can be lost under load)' })
      .option('idle-checkpoint-ms', {
        type: 'number',
        default: 3000,
        describe: 'after this long without arrivals, fold the write-ahead log a run kept into the warehouse file (0: never)',
      })
      .check((a) => {
        if (!(a['rescan-ms'] >= 100)) throw new Error('--rescan-ms must be at least 100');
        return true;
      }) as never,
  handler: async (args) => {
    const config = configFrom(args);
    const stamp = () => new Date().toISOString().slice(11, 23);
    // Listen before the start-up batch: a signal during it must still stop cleanly.
    const stopSignal = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    const { watchDropFolders } = await import('../../watch/watchDropFolders.js');
    const watcher = watchDropFolders(config, {
      export: exportEnabled(args),
      postgres: args.postgres,
      pgSchema: args['pg-schema'],
      settleMs: args['settle-ms'],
      debounceMs: args['debounce-ms'],
      idleCheckpointMs: args['idle-checkpoint-ms'],
      rescanMs: args['rescan-ms'],
      log: (line) => console.log(`${stamp()} ${line}`),
      // One line per batch as always; progress bars only for a batch still running after ~2 s, on a terminal.
      progress: () => terminalProgress(process.stdout, { showAfterMs: 2000 }),
    });
    await Promise.race([
      watcher.ready.then(() => console.log(`${stamp()} watching ${config.dataDir}/{Orders,Deliveries,Customers} (Ctrl-C to stop)`)),
      stopSignal,
    ]);
    await stopSignal;
    console.log(`${stamp()} stopping: finishing the batch in progress`);
    await watcher.stop();
    console.log(`${stamp()} stopped`);
    process.exitCode = 0;
  },
};
