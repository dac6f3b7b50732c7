import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBType, type DuckDBValue } from './duckdbApi.js';
import { PipelineError } from '../errors/PipelineError.js';
import { corruptWarehouseError, isCorruptionMessage } from './corruptWarehouseError.js';
import { knownCorruption, rememberCorruption } from './corruptionMarker.js';
import { diskFullError, isDiskFullMessage, isReadOnlyMessage, readOnlyError } from './storageErrors.js';
import { walBytes } from './walBytes.js';
import { sameFingerprint, warehouseFingerprint, type WarehouseFingerprint } from './warehouseFingerprint.js';
import { refuseInterruptedFirstBuild } from '../run/firstBuild.js';

export interface WarehouseOptions {
  path: string;
  threads?: number;
  memoryLimit?: string;
  readOnly?: boolean;
  /**
   * DuckDB lets one process write a database file and no other open it
   * meanwhile. When the file is busy, keep trying for this long (ms) before
   * failing with WAREHOUSE_LOCKED; `onWait` is called once when waiting starts.
   */
  lockWaitMs?: number;
  onWait?: (message: string) => void;
  /**
   * Open a warehouse that holds an unfinished first build (firstBuild.ts):
   * only a run (it undoes the build), status (it reports it) and the idle
   * checkpoint. Every other opener fails with FIRST_BUILD_INTERRUPTED.
   */
  allowInterruptedFirstBuild?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Checkpoint policy of a writing process. DuckDB checkpoints inside COMMIT when
 * the WAL passes checkpoint_threshold (16 MiB) or a commit changes more than
 * auto_checkpoint_skip_wal_threshold (100k) rows, and again when the database
 * closes whenever the WAL is not empty. That close-time checkpoint rewrote the
 * touched row groups of the 10M-row keyed state and result tables for a 0.1 %
 * delta: 2.9-3.4 s of a 4-5 s run. A WAL smaller than this is left for the next
 * open to replay and is folded into the data file at the close of the first
 * run that leaves it at this size or more (or by DuckDB's own checkpoint in a
 * big COMMIT), so it stays bounded; crash safety is DuckDB's usual WAL replay. Bigger changes still checkpoint in COMMIT as before.
 * The price: every later open (run, no-op, explain, status) replays the kept
 * WAL, about +0.3 s for the 3.7 MB of a 0.1 % delta on 10M orders.
 * PIPELINE_CHECKPOINT_ON_CLOSE=1 restores the checkpoint at every close.
 */
const KEEP_WAL_BELOW_BYTES = 8 * 2 ** 20;

export type Row = Record<string, unknown>;

/** PIPELINE_PROFILE=1 prints every statement slower than 20 ms to stderr. */
const PROFILE = process.env.PIPELINE_PROFILE === '1';

function profile(sql: string, t0: number): void {
  const ms = performance.now() - t0;
  // at: seconds since the process started (the gaps between lines are time outside DuckDB)
  const at = (performance.now() / 1000).toFixed(1).padStart(6);
  if (ms >= Number(process.env.PIPELINE_PROFILE_MS ?? 20)) process.stderr.write(`[profile] at ${at}s ${ms.toFixed(0).padStart(6)} ms  ${sql.replace(/\s+/g, ' ').trim().slice(0, 110)}\n`);
}

/** One open DuckDB warehouse file and the single connection the pipeline uses. */
export class Warehouse {
  /**
   * The first error of the open transaction. DuckDB answers every later
   * statement of an aborted transaction with "Current transaction is aborted
   * (please ROLLBACK)", which would hide it (e.g. a corrupt block).
   */
  private abortedBy: Error | undefined;
  /**
   * A write that failed for lack of space. DuckDB may then invalidate the
   * database ("database has been invalidated because of a previous fatal
   * error"): every later error of this instance is that DISK_FULL, never a
   * corruption verdict.
   */
  private diskFull: PipelineError | undefined;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    private readonly readOnly = false,
  ) {}

  static async open(options: WarehouseOptions): Promise<Warehouse> {
    const known = knownCorruption(options.path);
    if (known) throw corruptWarehouseError(options.path, known);
    try {
      const w = await Warehouse.openWaiting(options);
      if (options.allowInterruptedFirstBuild) return w;
      try {
        await refuseInterruptedFirstBuild(w);
      } catch (error) {
        w.close();
        throw error;
      }
      return w;
    } catch (error) {
      if (error instanceof PipelineError && error.code === 'WAREHOUSE_CORRUPT') rememberCorruption(options.path, duckdbMessage(error));
      throw error;
    }
  }

  private static async openWaiting(options: WarehouseOptions): Promise<Warehouse> {
    const deadline = Date.now() + (options.lockWaitMs ?? 0);
    let told = false;
    for (;;) {
      try {
        return await Warehouse.openOnce(options);
      } catch (error) {
        if (!(error instanceof PipelineError) || error.code !== 'WAREHOUSE_LOCKED' || Date.now() >= deadline) throw error;
        if (!told) {
          options.onWait?.(`the warehouse is busy (another process, e.g. a watch batch, is writing it); waiting up to ${Math.round((deadline - Date.now()) / 1000)}s`);
          told = true;
        }
        await sleep(100);
      }
    }
  }

  private static async openOnce(options: WarehouseOptions): Promise<Warehouse> {
    if (!options.readOnly) {
      try {
        fs.mkdirSync(path.dirname(options.path), { recursive: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOSPC') throw diskFullError(options.path, error);
        // Node reports a folder it cannot create on a read-only file system as ENOENT: say why.
        throw readOnlyError(options.path, writableProbe(path.dirname(options.path)) ?? error, `cannot create its folder ${path.dirname(options.path)}`);
      }
    }
    const settings: Record<string, string> = {};
    if (options.threads) settings.threads = String(options.threads);
    if (options.memoryLimit) settings.memory_limit = options.memoryLimit;
    if (options.readOnly) settings.access_mode = 'READ_ONLY';
    settings.temp_directory = `${options.path}.tmp`;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(options.path, settings);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Not /lock/: "block" is in every checksum error of a corrupt file.
      if (/Could not set lock on file|Conflicting lock/i.test(message)) {
        throw new PipelineError(
          'WAREHOUSE_LOCKED',
          `the warehouse ${options.path} is in use by another process (${message.split('\n')[0]})`,
          { cause: error },
        );
      }
      if (options.readOnly && !fs.existsSync(options.path)) {
        throw new PipelineError('NOT_FOUND', `no warehouse at ${options.path}: run \`pipeline run\` first`);
      }
      if (isDiskFullMessage(message)) throw diskFullError(options.path, error);
      if (isReadOnlyMessage(message) || /Permission denied/i.test(message)) throw readOnlyError(options.path, error, 'DuckDB cannot open it for writing');
      if (isCorruptionMessage(message)) throw corruptWarehouseError(options.path, error);
      throw error;
    }
    const connection = await instance.connect();
    return new Warehouse(options.path, instance, connection, options.readOnly === true);
  }

  /**
   * Every statement goes through here: a DuckDB error that means the file is
   * damaged becomes WAREHOUSE_CORRUPT, and "Current transaction is aborted"
   * is replaced by the error that aborted the transaction.
   */
  private async guard<T>(statement: () => Promise<T>): Promise<T> {
    try {
      return await statement();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/Current transaction is aborted/i.test(message) && this.abortedBy) throw this.abortedBy;
      if (isDiskFullMessage(message)) {
        this.diskFull ??= diskFullError(this.path, error);
        this.abortedBy ??= this.diskFull;
        throw this.diskFull;
      }
      // After a failed write the database may be invalidated: that is the full disk, not damage.
      if (this.diskFull) throw this.diskFull;
      const failure = isCorruptionMessage(message) ? corruptWarehouseError(this.path, error) : error;
      this.abortedBy ??= failure instanceof Error ? failure : new Error(message);
      throw failure;
    }
  }

  /** `types`: the parameters' types where they must not be inferred (e.g. LIST parameters: bindColumns.ts). */
  async run(sql: string, values?: DuckDBValue[] | Record<string, DuckDBValue>, types?: DuckDBType[]): Promise<void> {
    const t0 = PROFILE ? performance.now() : 0;
    await this.guard(() => this.connection.run(sql, values, types));
    if (PROFILE) profile(sql, t0);
  }

  /** Runs a query and returns its rows as plain JS objects (BIGINT as bigint). */
  async all<T extends Row = Row>(sql: string, values?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<T[]> {
    const t0 = PROFILE ? performance.now() : 0;
    const reader = await this.guard(() => this.connection.runAndReadAll(sql, values));
    if (PROFILE) profile(sql, t0);
    return reader.getRowObjectsJS() as T[];
  }

  async one<T extends Row = Row>(sql: string, values?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<T | undefined> {
    return (await this.all<T>(sql, values))[0];
  }

  /** Runs a query returning one number (e.g. `SELECT count(*) FROM t`): its first column of its first row. */
  async count(sql: string, values?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<number> {
    const row = await this.one(sql, values);
    return row === undefined ? 0 : Number(Object.values(row)[0] ?? 0);
  }

  /** Runs `work` in one transaction: everything or nothing is committed. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    this.abortedBy = undefined;
    await this.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.run('COMMIT');
      return result;
    } catch (error) {
      await this.run('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.abortedBy = undefined;
    }
  }

  /**
   * Inside transaction(): commits the work so far and begins a new
   * transaction (only for a first build, see pipeline/run/firstBuild.ts).
   */
  async commitPart(): Promise<void> {
    await this.run('COMMIT');
    await this.run('BEGIN TRANSACTION');
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /**
   * Set by a run that recomputed everything (first build, rebuild, changed
   * SQL): its close checkpoints whatever WAL it left. Such a run rewrote the
   * tables anyway and took seconds to minutes; the checkpoint adds ~0.4 s at
   * 1M orders, and every later open no longer replays its WAL (8 MB after a
   * 4,003-file first build: +0.3-0.6 s on each following run, issue 18).
   */
  checkpointAtClose = false;

  /**
   * Set by a run that may leave the no-op check a record (settledRun.ts): the
   * close then takes the files' fingerprint just before and just after it.
   */
  fingerprintAtClose = false;

  /**
   * After closeAfterWork with fingerprintAtClose: the files as this process
   * left them, when nothing changed them between the last statement and just
   * after the close (undefined otherwise: the close wrote, or another process
   * opened the file at once).
   */
  closedFingerprint: WarehouseFingerprint | undefined;

  /** Close after successful work: a small WAL is kept, no checkpoint at shutdown (KEEP_WAL_BELOW_BYTES), unless checkpointAtClose. */
  async closeAfterWork(): Promise<void> {
    const wal = this.readOnly ? 0 : walBytes(this.path);
    const keepWal =
      wal > 0 && wal < KEEP_WAL_BELOW_BYTES && !this.checkpointAtClose && process.env.PIPELINE_CHECKPOINT_ON_CLOSE !== '1';
    if (keepWal) await this.run('PRAGMA disable_checkpoint_on_shutdown');
    let fingerprint = this.fingerprintAtClose;
    if (!keepWal && wal > 0 && fingerprint) {
      // The checkpoint the close would do, done before it, so that the close itself writes nothing.
      // Should it fail (a full disk), the run's work is committed all the same: no record, and the
      // close checkpoints or keeps the WAL as it always did.
      try {
        await this.run('CHECKPOINT');
      } catch {
        fingerprint = false;
      }
    }
    const before = fingerprint ? warehouseFingerprint(this.path) : undefined;
    this.close();
    if (before === undefined) return;
    const after = warehouseFingerprint(this.path);
    this.closedFingerprint = sameFingerprint(before, after) ? after : undefined;
  }
}

/** Why a folder cannot be written (EROFS, EACCES, …), found by creating and removing a probe file in its nearest existing ancestor. */
function writableProbe(dir: string): Error | undefined {
  let existing = path.resolve(dir);
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const probe = path.join(existing, `.pipeline-write-probe-${process.pid}`);
  try {
    fs.mkdirSync(probe);
    fs.rmdirSync(probe);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/** DuckDB's own first line behind a WAREHOUSE_CORRUPT error. */
function duckdbMessage(error: PipelineError): string {
  const cause = error.cause;
  return (cause instanceof Error ? cause.message : String(cause ?? error.message)).split('\n')[0]!;
}

/**
 * Opens the warehouse, runs `work`, and always closes it. A WAREHOUSE_CORRUPT
 * finding is remembered beside the file (corruptionMarker), after the close.
 */
export async function withWarehouse<T>(options: WarehouseOptions, work: (w: Warehouse) => Promise<T>): Promise<T> {
  const warehouse = await Warehouse.open(options);
  let result: T;
  try {
    result = await work(warehouse);
  } catch (error) {
    try {
      warehouse.close();
    } catch {
      // an invalidated database may refuse to close cleanly; the error below is the one to report
    }
    // statements that bypass Warehouse.run (e.g. the appender of ingest) fail with DuckDB's own error
    if (!(error instanceof PipelineError) && isDiskFullMessage(error instanceof Error ? error.message : String(error))) {
      throw diskFullError(options.path, error);
    }
    if (error instanceof PipelineError && error.code === 'WAREHOUSE_CORRUPT') rememberCorruption(options.path, duckdbMessage(error));
    throw error;
  }
  try {
    await warehouse.closeAfterWork();
  } catch (error) {
    try {
      warehouse.close();
    } catch {
      // closed already, or an invalidated database: the error below is the one to report
    }
    throw error;
  }
  return result;
}
