import path from 'node:path';

/**
 * Where the embedded server of a warehouse keeps its things, all beside the
 * warehouse file (git-ignored):
 *   postgres/           the data directory (initdb wants it to itself)
 *   postgres.lock       held while a command starts, joins, leaves or stops the server
 *   postgres.holders    the processes using the server ("<pid> <start time>" a line); the last to leave stops it
 *   postgres.initdb/    only during initdb: its password file; left behind, it marks an interrupted initdb
 *   postgres.log        the server's own messages
 */
export interface EmbeddedPaths {
  dataDir: string;
  lock: string;
  holders: string;
  initDir: string;
  log: string;
}

export function embeddedPaths(warehousePath: string): EmbeddedPaths {
  const dataDir = path.resolve(path.dirname(warehousePath), 'postgres');
  return { dataDir, lock: `${dataDir}.lock`, holders: `${dataDir}.holders`, initDir: `${dataDir}.initdb`, log: `${dataDir}.log` };
}
