import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { tableFromIPC, Type, type DataType, type Field, type Table } from 'apache-arrow';
import { PipelineError } from '../errors/PipelineError.js';

/**
 * A minimal Spark Connect client: one session on a Spark Connect server
 * (`sc://host:port`), SQL in, rows out. Every statement is sent as an
 * `ExecutePlan` whose plan is the `sql` relation; Spark runs commands (DDL,
 * MERGE, DELETE, INSERT) eagerly and returns their result rows, queries return
 * their rows, both as Arrow IPC batches that are decoded here.
 *
 * The .proto files are those of the pinned Spark (pipeline/spark/proto/README.md).
 * Errors never surface as gRPC stacks: a Spark failure is a one-line
 * PipelineError SPARK_QUERY_FAILED ("[ERROR_CLASS] message SQLSTATE: ..."), an
 * unreachable server SPARK_UNAVAILABLE.
 */

export interface SparkColumn {
  name: string;
  /** The Arrow type as Arrow prints it, e.g. Int64, Float64, Timestamp<MICROSECOND, UTC>, Utf8. */
  type: string;
}

export type SparkValue = null | boolean | number | bigint | string | Date | Uint8Array | SparkValue[] | { [k: string]: SparkValue };

export interface SparkResult {
  columns: SparkColumn[];
  rows: Record<string, SparkValue>[];
}

export interface SparkConnectOptions {
  /** sc://host:port[/;param=value;...]; only host, port and user_id are read. */
  remote: string;
  /** Milliseconds allowed per statement (default: no limit). */
  timeoutMs?: number;
  /** Reported to Spark as the client_type. */
  clientType?: string;
}

const PROTO_FILES = ['spark/connect/base.proto'];

function findProtoDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'pipeline', 'spark', 'proto');
    if (fs.existsSync(path.join(candidate, 'spark', 'connect', 'base.proto'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new PipelineError('INTERNAL', 'cannot find pipeline/spark/proto (the Spark Connect .proto files)');
    dir = parent;
  }
}

let serviceCtor: grpc.ServiceClientConstructor | undefined;
function loadService(): grpc.ServiceClientConstructor {
  if (serviceCtor) return serviceCtor;
  const definition = protoLoader.loadSync(PROTO_FILES, {
    includeDirs: [findProtoDir()],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    spark: { connect: { SparkConnectService: grpc.ServiceClientConstructor } };
  };
  serviceCtor = pkg.spark.connect.SparkConnectService;
  return serviceCtor;
}

/** Parses `sc://host:port[/;k=v;...]` (the Spark Connect connection string). */
export function parseSparkRemote(remote: string): { host: string; port: number; params: Record<string, string> } {
  const m = /^sc:\/\/(\[[^\]]+\]|[^:/;]+)(?::(\d+))?\/?(;.*)?$/.exec(remote.trim());
  if (!m) throw new PipelineError('CONFIG_INVALID', `not a Spark Connect URL: ${JSON.stringify(remote)} (expected sc://host:port)`);
  const params: Record<string, string> = {};
  for (const kv of (m[3] ?? '').split(';').filter(Boolean)) {
    const i = kv.indexOf('=');
    if (i > 0) params[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
  }
  if (params.use_ssl === 'true' || params.token) {
    throw new PipelineError('CONFIG_INVALID', `Spark Connect URL ${remote}: use_ssl/token are not supported by this client yet`);
  }
  return { host: m[1]!, port: m[2] ? Number(m[2]) : 15002, params };
}

/** The first line of a Spark error message, as one line, without the gRPC status prefix. */
export function oneLineSparkMessage(err: grpc.ServiceError): string {
  const text = (err.details || err.message || 'unknown error').replace(/^\d+ [A-Z_]+: /, '');
  const first = (text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? 'unknown error').replace(/\s*Resolution note:.*$/, '');
  return first.length > 500 ? `${first.slice(0, 497)}...` : first;
}

export function toPipelineError(err: unknown, remote: string): PipelineError {
  if (err instanceof PipelineError) return err;
  const e = err as grpc.ServiceError;
  if (typeof e?.code !== 'number') {
    return new PipelineError('INTERNAL', `Spark Connect client failed: ${String((err as Error)?.message ?? err).split('\n')[0]}`, { cause: err });
  }
  if (e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.DEADLINE_EXCEEDED || e.code === grpc.status.CANCELLED) {
    const what = e.code === grpc.status.DEADLINE_EXCEEDED ? 'did not answer in time' : 'is not reachable';
    return new PipelineError('SPARK_UNAVAILABLE', `Spark Connect server ${remote} ${what}: ${oneLineSparkMessage(e)}`, { cause: err });
  }
  return new PipelineError('SPARK_QUERY_FAILED', `Spark: ${oneLineSparkMessage(e)}`, { cause: err });
}

/** Converts an Arrow cell to a plain JS value: Int64 stays bigint, timestamps become Date, decimals strings. */
function convert(value: unknown, type: DataType): SparkValue {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case Type.Int:
      return typeof value === 'bigint' ? value : (value as number);
    case Type.Timestamp:
    case Type.Date:
      return new Date(Number(value));
    case Type.Decimal: {
      const t = type as unknown as { scale: number };
      const raw = String(value); // apache-arrow prints the unscaled integer
      if (t.scale === 0) return raw;
      const neg = raw.startsWith('-');
      const digits = (neg ? raw.slice(1) : raw).padStart(t.scale + 1, '0');
      return `${neg ? '-' : ''}${digits.slice(0, -t.scale)}.${digits.slice(-t.scale)}`;
    }
    case Type.List:
    case Type.FixedSizeList: {
      const child = (type as unknown as { children: Field[] }).children[0]!;
      return Array.from(value as Iterable<unknown>, (v) => convert(v, child.type));
    }
    case Type.Struct: {
      const out: Record<string, SparkValue> = {};
      for (const f of (type as unknown as { children: Field[] }).children) {
        out[f.name] = convert((value as Record<string, unknown>)[f.name], f.type);
      }
      return out;
    }
    case Type.Map: {
      const out: Record<string, SparkValue> = {};
      for (const [k, v] of value as Iterable<[unknown, unknown]>) out[String(k)] = v as SparkValue;
      return out;
    }
    default:
      return value as SparkValue;
  }
}

export class SparkConnectClient {
  readonly remote: string;
  readonly sessionId = crypto.randomUUID();
  private readonly client: grpc.Client & Record<string, (...args: unknown[]) => unknown>;
  private readonly userId: string;
  private readonly timeoutMs?: number;
  private readonly clientType: string;
  private serverSideSessionId?: string;

  constructor(options: SparkConnectOptions) {
    this.remote = options.remote;
    const { host, port, params } = parseSparkRemote(options.remote);
    const Service = loadService();
    this.client = new Service(`${host}:${port}`, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 128 * 1024 * 1024,
    }) as unknown as grpc.Client & Record<string, (...args: unknown[]) => unknown>;
    this.userId = params.user_id ?? 'pipeline';
    this.timeoutMs = options.timeoutMs;
    this.clientType = options.clientType ?? 'ecommerce-pipeline/typescript';
  }

  private request(): Record<string, unknown> {
    return {
      session_id: this.sessionId,
      user_context: { user_id: this.userId, user_name: this.userId },
      client_type: this.clientType,
      ...(this.serverSideSessionId ? { client_observed_server_side_session_id: this.serverSideSessionId } : {}),
    };
  }

  /** Runs one SQL statement; resolves with its result rows (empty for most commands). */
  sql(query: string): Promise<SparkResult> {
    const req = { ...this.request(), operation_id: crypto.randomUUID(), plan: { root: { sql: { query } } } };
    const options: grpc.CallOptions = this.timeoutMs ? { deadline: Date.now() + this.timeoutMs } : {};
    return new Promise<SparkResult>((resolve, reject) => {
      const columns: SparkColumn[] = [];
      const rows: Record<string, SparkValue>[] = [];
      let failed = false;
      const call = this.client.ExecutePlan!(req, options) as grpc.ClientReadableStream<Record<string, unknown>>;
      call.on('data', (res: Record<string, unknown>) => {
        if (failed) return;
        try {
          if (typeof res.server_side_session_id === 'string' && res.server_side_session_id) {
            this.serverSideSessionId = res.server_side_session_id;
          }
          const batch = res.arrow_batch as { data?: Buffer } | undefined;
          if (batch?.data && batch.data.length > 0) {
            const table = tableFromIPC(batch.data);
            const fields = table.schema.fields;
            if (columns.length === 0) for (const f of fields) columns.push({ name: f.name, type: String(f.type) });
            const vectors = fields.map((_, i) => table.getChildAt(i)!);
            for (let r = 0; r < table.numRows; r++) {
              const row: Record<string, SparkValue> = {};
              fields.forEach((f, i) => {
                row[f.name] = convert(vectors[i]!.get(r), f.type);
              });
              rows.push(row);
            }
          }
        } catch (err) {
          failed = true;
          call.cancel();
          reject(new PipelineError('INTERNAL', `cannot decode a Spark Connect result: ${(err as Error).message}`, { cause: err }));
        }
      });
      call.on('error', (err) => {
        if (!failed) {
          failed = true;
          reject(toPipelineError(err, this.remote));
        }
      });
      call.on('end', () => {
        if (!failed) resolve({ columns, rows });
      });
    });
  }

  /**
   * Runs one SQL statement and yields its result as Arrow tables, one per
   * Arrow batch Spark sends (spark.connect.grpc.arrow.maxBatchSize, 4 MB by
   * default), as they arrive: a large result is never held whole, unlike
   * sql(). The next batch is read from the stream only when the consumer asks
   * for it (gRPC flow control holds the server back meanwhile). Values are
   * Arrow's own (Int64 as bigint, Float32/Float64 as number, timestamps as
   * epoch numbers): the caller converts what it needs exactly. Leaving the
   * loop early cancels the statement. Errors are those of sql().
   */
  async *batches(query: string): AsyncGenerator<Table, void, undefined> {
    const req = { ...this.request(), operation_id: crypto.randomUUID(), plan: { root: { sql: { query } } } };
    const options: grpc.CallOptions = this.timeoutMs ? { deadline: Date.now() + this.timeoutMs } : {};
    const call = this.client.ExecutePlan!(req, options) as grpc.ClientReadableStream<Record<string, unknown>>;
    call.on('error', () => undefined); // surfaces through the iteration; a cancel after an early exit is expected
    let finished = false;
    try {
      for await (const res of call as AsyncIterable<Record<string, unknown>>) {
        if (typeof res.server_side_session_id === 'string' && res.server_side_session_id) {
          this.serverSideSessionId = res.server_side_session_id;
        }
        const batch = res.arrow_batch as { data?: Buffer } | undefined;
        if (!batch?.data || batch.data.length === 0) continue;
        let table: Table;
        try {
          table = tableFromIPC(batch.data);
        } catch (err) {
          throw new PipelineError('INTERNAL', `cannot decode a Spark Connect result: ${(err as Error).message}`, { cause: err });
        }
        yield table;
      }
      finished = true;
    } catch (err) {
      throw toPipelineError(err, this.remote);
    } finally {
      if (!finished) call.cancel();
    }
  }

  /** Ends the server-side session (best effort) and closes the channel. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      try {
        this.client.ReleaseSession!(this.request(), { deadline: Date.now() + 5_000 }, () => resolve());
      } catch {
        resolve();
      }
    });
    this.client.close();
  }
}
