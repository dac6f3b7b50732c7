#!/usr/bin/env bash
# `make test`'s last two tiers, side by side to keep CI well under its time limit: the
# integration suite (DuckDB, Postgres; output as it runs) and the Spark tier (test/spark:
# its own cluster; output to .spark/spark-tier.log, printed when both are done). Fails when
# either fails. `make build` has built the CLI already: the integration suite does not rebuild
# (a rebuild would rewrite dist/ under the Spark tier's running CLI processes).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .spark
npx vitest run --config vitest.spark.config.ts > .spark/spark-tier.log 2>&1 &
spark=$!
# Ctrl-C / TERM: stop the Spark tier too (its guard then stops the cluster)
trap 'kill -TERM "$spark" 2>/dev/null' INT TERM
PIPELINE_TEST_SKIP_BUILD=1 npx vitest run
integration=$?
wait "$spark"
tier=$?
echo
echo "=== Spark tier (test/spark, ran alongside the integration suite; exit $tier) ==="
cat .spark/spark-tier.log
echo "integration suite: exit $integration; Spark tier: exit $tier"
[ "$integration" -eq 0 ] && [ "$tier" -eq 0 ]
