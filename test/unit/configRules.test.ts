import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../pipeline/config/loadConfig.js';
import { PipelineError } from '../../pipeline/errors/PipelineError.js';

// The settings' rules (pipeline/config/loadConfig.ts, hand-written since issue 18's
// start-up work): every refused value is CONFIG_INVALID naming flag, variable, value and rule.
function refusal(flags: Parameters<typeof loadConfig>[0], env: NodeJS.ProcessEnv = {}): string {
  try {
    loadConfig(flags, env);
  } catch (error) {
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).code).toBe('CONFIG_INVALID');
    return (error as PipelineError).message;
  }
  throw new Error(`accepted ${JSON.stringify(flags)} ${JSON.stringify(env)}`);
}

describe('config rules', () => {
  it('accepts good values from flags, environment and defaults, as numbers where numbers are meant', () => {
    const c = loadConfig({ threads: '4', wait: 0, memoryLimit: '512MiB', window: '6 Hours' }, { PIPELINE_SPARK_REMOTE: 'sc://spark:15002' });
    expect(c).toMatchObject({ threads: 4, waitSeconds: 0, memoryLimit: '512MiB', window: '6 hours', engine: 'duckdb', sparkRemote: 'sc://spark:15002' });
    expect(loadConfig({}, { PIPELINE_WAIT: '2.5' }).waitSeconds).toBe(2.5);
    expect(loadConfig({}, {}).threads).toBeUndefined();
    expect(loadConfig({}, {}).memoryLimit).toBeUndefined();
  });

  it.each([
    [{ threads: 0 }, {}, /--threads \/ PIPELINE_THREADS: 0 must be between 1 and 1024/],
    [{ threads: 1025 }, {}, /--threads .*: 1025 must be between 1 and 1024/],
    [{ threads: '1.5' }, {}, /--threads .*: "1.5" must be a whole number/],
    [{}, { PIPELINE_THREADS: 'many' }, /--threads \/ PIPELINE_THREADS: "many" must be a number/],
    [{ threads: Number.NaN }, {}, /--threads .* must be a number/],
    [{}, { PIPELINE_WAIT: '-1' }, /--wait \/ PIPELINE_WAIT: "-1" must be 0 or more/],
    [{ wait: 86_401 }, {}, /--wait .*: 86401 must be at most 86400/],
    [{ wait: 'Infinity' }, {}, /--wait .* must be a number/],
    [{ memoryLimit: 'lots' }, {}, /--memory-limit \/ PIPELINE_MEMORY_LIMIT: "lots" must look like "4GB"/],
    [{ window: 'fortnight' }, {}, /--window \/ PIPELINE_WINDOW: "fortnight" must look like "10 days"/],
    [{ window: '0 days' }, {}, /--window .*: "0 days" must be a positive size/],
    [{ engine: 'flink' }, {}, /--engine \/ PIPELINE_ENGINE: "flink" must be duckdb or spark/],
    [{ sparkRemote: 'http://x:1' }, {}, /--spark-remote \/ PIPELINE_SPARK_REMOTE: "http:\/\/x:1" must look like sc:\/\/host:port/],
  ] as const)('refuses %j %j', (flags, env, message) => {
    expect(refusal(flags, env)).toMatch(message);
  });
});
