import { defineConfig } from 'vitest/config';

/**
 * The Spark tier (issue 17 foundation; `make test-spark`, not part of `make test` yet):
 * the global setup installs the pinned runtime (spark/install.sh), starts a real
 * standalone cluster (master + 2 workers + Spark Connect, own run dir
 * .spark/test-run) and stops it on every exit path. Tests run one at a time
 * against that one cluster.
 */
export default defineConfig({
  test: {
    include: ['test/spark/**/*.spark.ts'],
    globalSetup: ['test/spark/sparkGlobalSetup.ts'],
    testTimeout: 300_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: false,
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
  },
});
