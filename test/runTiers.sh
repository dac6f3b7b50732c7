#!/usr/bin/env bash
# `make test` after the build, one tier after the other: type-check, unit tier, integration
# suite (DuckDB, Postgres), Spark tier (test/spark: its own cluster). The pinned Spark runtime
# (~450 MB) downloads in the background while the integration suite runs; the Spark tier's setup
# runs spark/install.sh again (serialised by a lock), so a missing Java or Python is reported
# there, naming what to install. (Run side by side, the integration suite and the Spark tier
# overloaded 2 cores: vitest's worker RPC timed out.)
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.test.json
npm run test:unit
bash .ci/install-chromium.sh
mkdir -p .spark
(bash spark/install.sh > .spark/install-background.log 2>&1 || true) &
# make build has built the CLI: no rebuild
PIPELINE_TEST_SKIP_BUILD=1 npx vitest run
npx vitest run --config vitest.spark.config.ts
