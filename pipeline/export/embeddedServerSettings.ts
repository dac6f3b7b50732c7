import os from 'node:os';

const MiB = 2 ** 20;

/**
 * The embedded server's settings beyond Postgres' defaults, given as `-c` flags
 * at start (they win over postgresql.conf and ALTER SYSTEM).
 *
 * A delta sync updates rows scattered over the whole result table and its key
 * index: after each checkpoint every page it touches is written to the WAL in
 * full (measured: 100 k changed rows into the 8.5 M-row table of 10 M orders
 * wrote ~530 MiB of WAL). With the default 128 MB of shared buffers and 4 MB of
 * WAL buffers the upsert spent most of its time evicting pages and flushing
 * WAL (5.0–5.3 s); with 1 GB and 64 MB it took 2.8–3.0 s (`make bench-export`,
 * bench/README.md). Shared buffers: 1/16 of the machine's memory, between
 * 128 MB (the default) and 1 GB. max_wal_size: fewer checkpoints inside one big
 * sync (the initial copy of 10 M orders writes ~2 GB of WAL).
 */
export function embeddedServerSettings(totalMemory: number = os.totalmem()): Record<string, string> {
  const sharedMiB = Math.max(128, Math.min(1024, Math.floor(totalMemory / 16 / MiB)));
  return {
    shared_buffers: `${sharedMiB}MB`,
    wal_buffers: '64MB',
    max_wal_size: '4GB',
  };
}

/** The settings as postgres command-line arguments. */
export function embeddedServerArgs(totalMemory?: number): string[] {
  return Object.entries(embeddedServerSettings(totalMemory)).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}
