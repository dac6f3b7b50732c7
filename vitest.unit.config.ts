import { defineConfig } from 'vitest/config';

/**
 * The fast tier: pure functions and SQL text checks, no build, no Postgres, no
 * warehouse files (`npm run test:unit`, seconds). The integration suite is
 * vitest.config.ts (`npm test`).
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
