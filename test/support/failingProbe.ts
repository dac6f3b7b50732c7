// Run only by test/testRunnerExitCode.test.ts through exitCodeProbe.config.ts: it must fail.
import { expect, it } from 'vitest';

it('fails on purpose', () => {
  expect(1).toBe(2);
});
