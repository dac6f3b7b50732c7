# Two commands on a fresh machine (Node 20+, make, a C toolchain):
#   make pipeline   - install, build, run the pipeline on the shipped sample data
#   make test       - install, build, run the whole test suite
SHELL := /bin/bash
NODE_MODULES := node_modules/.install-stamp
PIPELINE := node bin/pipeline.js

.PHONY: install build pipeline run test test-unit bench bench-engines bench-incremental bench-decay bench-scale bench-explain bench-export bench-watch bench-small-files bench-v3 status watch report sql check export postgres clean

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES)

build: install
	npm run build --silent

pipeline: build
	$(PIPELINE) run
	@echo
	$(PIPELINE) sql "select * from ecommerce order by Total_Order_Amount desc limit 5"

run: pipeline

status: build
	$(PIPELINE) status

watch: build
	$(PIPELINE) watch

report: build
	$(PIPELINE) report

sql: build
	$(PIPELINE) sql

check: build
	$(PIPELINE) check

export: build
	$(PIPELINE) export

# Keep the embedded Postgres serving on 127.0.0.1:54329 (Ctrl-C stops it)
postgres: build
	$(PIPELINE) postgres

# The report test renders the HTML report in real headless Chromium (Debian package `chromium`).
# Three tiers, one after the other (test/runTiers.sh): type-check, unit tier (seconds, no
# Postgres), integration suite, Spark tier (its runtime downloads in the background meanwhile).
# Side by side they overloaded the 2 cores (vitest's worker RPC timed out): not again. The Spark tier needs Java 17+ and Python 3.10+; it
# installs the pinned pyspark + Delta jars into .spark/, starts a standalone master + 2 workers +
# Spark Connect, runs test/spark, stops them.
test: build
	bash test/runTiers.sh

test-unit: install
	npm run test:unit

# Benchmarks: BENCH_ORDERS=10000000 make bench
bench: build
	node dist/bench/benchFullBuild.js

bench-incremental: build
	node dist/bench/benchIncremental.js

# 100 successive 0.1 % deltas (BENCH_DECAY_RUNS, BENCH_DECAY_PERCENT, BENCH_ORDERS for a quick check)
# The same job on both engines (full build, 1 % delta, no-op): BENCH_ORDERS=1000000 make bench-engines
bench-engines: build
	node dist/bench/benchEngines.js

bench-decay: build
	node dist/bench/benchDecay.js

# Long (about an hour, ~2.5 GiB of data): 30M orders with default settings and with a 6GB memory limit,
# then the same 100k-order delta on a 10M and a 30M base.
SCALE_ORDERS ?= 30000000
SCALE_DELTA ?= 100000
bench-scale: build
	BENCH_ORDERS=$(SCALE_ORDERS) BENCH_MEMORY_LIMITS=default,6GB node dist/bench/benchFullBuild.js
	BENCH_ORDERS=10000000 BENCH_DELTA_ORDERS=$(SCALE_DELTA) BENCH_ONESHOT_CHECK=0 node dist/bench/benchIncremental.js
	BENCH_ORDERS=$(SCALE_ORDERS) BENCH_DELTA_ORDERS=$(SCALE_DELTA) BENCH_ONESHOT_CHECK=0 node dist/bench/benchIncremental.js
	node dist/bench/compareScale.js 10000000 $(SCALE_ORDERS)

# Read-side timings on an existing warehouse: make bench-explain WAREHOUSE=bench/out/x.duckdb
bench-explain: build
	node dist/bench/benchExplain.js $(WAREHOUSE)

bench-export: build
	node dist/bench/benchExport.js

bench-watch: build
	node dist/bench/benchWatchLatency.js

# The same orders+deliveries as 500-row files vs one file each (first build, median of 3), then one
# new 200-row file on the many files (issue 18). BENCH_ORDERS=200000 for a quick check.
bench-small-files: build
	node dist/bench/benchSmallFiles.js

# Issue 18's whole target table from one run (bench/README.md, "Engine v3 table"): every
# sub-benchmark in turn, then one table row by row (met/missed). Long at the default 10M orders;
# BENCH_V3_ONLY=append-1,scale,... re-runs rows, BENCH_V3_HUGE=1 adds the 100M case.
bench-v3: build
	node dist/bench/benchEngineV3.js

clean:
	rm -rf dist warehouse/*.duckdb warehouse/*.duckdb.wal warehouse/*.tmp bench/out

# --- The Spark engine (issue 17; docs/spark.md). Its test tier is part of `make test`. ---
.PHONY: spark-install spark-cluster spark-cluster-stop spark-cluster-status test-spark
spark-install:
	bash spark/install.sh

# Standalone master + 2 workers (1 core each) + Spark Connect, on 127.0.0.1; prints the sc:// URL
spark-cluster: spark-install
	bash spark/cluster.sh start

spark-cluster-stop:
	bash spark/cluster.sh stop

spark-cluster-status:
	bash spark/cluster.sh status

# The Spark tier alone: installs the runtime, starts its own cluster (own run dir), runs test/spark, stops it
test-spark: build
	PIPELINE_SPARK_TIER=full npx vitest run --config vitest.spark.config.ts
