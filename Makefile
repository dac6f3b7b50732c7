# Two commands on a fresh machine (Node 20+, make, a C toolchain):
#   make pipeline   - install, build, run the pipeline on the shipped sample data
#   make test       - install, build, run the whole test suite
SHELL := /bin/bash
NODE_MODULES := node_modules/.install-stamp
PIPELINE := node bin/pipeline.js

.PHONY: install build pipeline run test test-unit bench bench-incremental bench-export bench-watch status watch report sql check export postgres clean

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES)

build: install
	npx tsc -p tsconfig.json

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
# Two tiers: the unit tier (seconds, no Postgres) first, then the integration suite.
test: build
	npx tsc -p tsconfig.test.json
	npm run test:unit
	bash .ci/install-chromium.sh
	npx vitest run

test-unit: install
	npm run test:unit

# Benchmarks: BENCH_ORDERS=10000000 make bench
bench: build
	node dist/bench/benchFullBuild.js

bench-incremental: build
	node dist/bench/benchIncremental.js

bench-export: build
	node dist/bench/benchExport.js

bench-watch: build
	node dist/bench/benchWatchLatency.js

clean:
	rm -rf dist warehouse/*.duckdb warehouse/*.duckdb.wal warehouse/*.tmp bench/out
