import { defineConfig } from 'vitest/config';

// The real suite's global setup (build + Postgres) around one test that fails.
export default defineConfig({
  test: {
    include: ['test/support/failingProbe.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    hookTimeout: 180_000,
  },
});
