import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../pipeline/config/loadConfig.js';
import { requireDuckdb } from '../../pipeline/engine/requireEngine.js';
import { sparkWindowInterval } from '../../pipeline/engine/spark/sparkSteps.js';
import { PipelineError } from '../../pipeline/errors/PipelineError.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

function tmpConfig(content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-config-'));
  made.push(dir);
  const file = path.join(dir, 'pipeline.config.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function failure(f: () => unknown): PipelineError {
  try {
    f();
  } catch (e) {
    return e as PipelineError;
  }
  throw new Error('expected an error');
}

describe('engine choice: --engine / PIPELINE_ENGINE / config file', () => {
  it('defaults to duckdb with a ./lake; flags beat the environment, which beats the file, which beats the defaults', () => {
    const d = loadConfig({}, {});
    expect(d.engine).toBe('duckdb');
    expect(d.lake).toBe(path.resolve('lake'));
    const file = tmpConfig({ engine: 'spark', sparkRemote: 'sc://file-host:15002', lake: 'lake-from-file', window: '7 days' });
    const fromFile = loadConfig({ config: file }, {});
    expect(fromFile).toMatchObject({ engine: 'spark', sparkRemote: 'sc://file-host:15002', window: '7 days' });
    // relative paths in the file are relative to the file's folder
    expect(fromFile.lake).toBe(path.join(path.dirname(file), 'lake-from-file'));
    const env = { PIPELINE_CONFIG: file, PIPELINE_SPARK_REMOTE: 'sc://env-host:1', PIPELINE_ENGINE: 'duckdb' };
    expect(loadConfig({}, env)).toMatchObject({ engine: 'duckdb', sparkRemote: 'sc://env-host:1' });
    expect(loadConfig({ engine: 'spark', sparkRemote: 'sc://flag:2', lake: 's3a://bucket/lake' }, env)).toMatchObject({
      engine: 'spark', sparkRemote: 'sc://flag:2', lake: 's3a://bucket/lake',
    });
  });

  it('a bad engine, remote or config file is a clear CONFIG_INVALID (exit 2)', () => {
    const bad = failure(() => loadConfig({ engine: 'flink' }, {}));
    expect(bad.code).toBe('CONFIG_INVALID');
    expect(bad.exitCode).toBe(2);
    expect(bad.message).toMatch(/--engine \/ PIPELINE_ENGINE: "flink" must be duckdb or spark/);
    expect(failure(() => loadConfig({ sparkRemote: 'http://x:1' }, {})).message).toMatch(/--spark-remote .* must look like sc:\/\/host:port/);
    expect(failure(() => loadConfig({ config: tmpConfig({ engnie: 'spark' }) }, {})).message).toMatch(/unknown key "engnie"/);
    expect(failure(() => loadConfig({ config: tmpConfig('{not json') }, {})).message).toMatch(/cannot read the config file/);
    expect(failure(() => loadConfig({ config: '/nonexistent/pipeline.config.json' }, {})).message).toMatch(/ENOENT/);
  });

  it('commands the spark engine does not have yet refuse it by name (ENGINE_UNSUPPORTED, exit 2)', () => {
    expect(() => requireDuckdb({ engine: 'duckdb' }, 'explain')).not.toThrow();
    const e = failure(() => requireDuckdb({ engine: 'spark' }, 'explain'));
    expect(e.code).toBe('ENGINE_UNSUPPORTED');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/`explain` is not available on the spark engine yet/);
  });

  it('the window becomes an exact Spark day-time interval; calendar windows are refused', () => {
    expect(sparkWindowInterval('10 days')).toBe("INTERVAL '864000.000000' SECOND");
    expect(sparkWindowInterval('6 hours')).toBe("INTERVAL '21600.000000' SECOND");
    expect(sparkWindowInterval('1500 microseconds')).toBe("INTERVAL '0.001500' SECOND");
    expect(sparkWindowInterval('2 weeks')).toBe("INTERVAL '1209600.000000' SECOND");
    expect(failure(() => sparkWindowInterval('1 months')).code).toBe('ENGINE_UNSUPPORTED');
  });
});
