import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../pipeline/errors/PipelineError.js';
import { SparkConnectClient, oneLineSparkMessage, parseSparkRemote, toPipelineError } from '../../pipeline/spark/SparkConnectClient.js';

// The Spark Connect client without a server (the server tier is `make test-spark`).
function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}

describe('Spark Connect client (no server)', () => {
  it('parses sc:// URLs and refuses what it does not support', () => {
    expect(parseSparkRemote('sc://127.0.0.1:15002')).toEqual({ host: '127.0.0.1', port: 15002, params: {} });
    expect(parseSparkRemote('sc://spark.example/;user_id=etl')).toEqual({ host: 'spark.example', port: 15002, params: { user_id: 'etl' } });
    expect(() => parseSparkRemote('http://x:1')).toThrow(PipelineError);
    expect(() => parseSparkRemote('sc://h:1/;use_ssl=true')).toThrow(/not supported/);
  });

  it('loads the pinned protos (a client is built without connecting)', async () => {
    const c = new SparkConnectClient({ remote: 'sc://127.0.0.1:1' });
    expect(c.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await c.close();
  });

  it('maps Spark errors to one line with a code, never a gRPC stack', () => {
    const detail =
      "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)\n\n== SQL ==\nSELEC 1\n^^^\n\tat org.apache.spark.sql.catalyst.parser.ParseException...";
    const e = toPipelineError(serviceError(grpc.status.INTERNAL, detail), 'sc://h:1');
    expect(e.code).toBe('SPARK_QUERY_FAILED');
    expect(e.message).toBe("Spark: [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)");
    const down = toPipelineError(serviceError(grpc.status.UNAVAILABLE, 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: x'), 'sc://127.0.0.1:1');
    expect(down.code).toBe('SPARK_UNAVAILABLE');
    expect(down.message).toBe('Spark Connect server sc://127.0.0.1:1 is not reachable: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1.');
    expect(oneLineSparkMessage(serviceError(grpc.status.UNKNOWN, 'x'.repeat(600)))).toHaveLength(500);
  });
});
