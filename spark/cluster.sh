#!/usr/bin/env bash
# A real local Spark cluster in separate JVMs, for the Spark engine (issue 17):
#   standalone master + 2 workers (1 core each) + a Spark Connect server attached to the master,
#   everything bound to 127.0.0.1, Spark UIs off (the master's web UI stays on 127.0.0.1 only:
#   its /json endpoint is how we see that the workers registered).
#
#   spark/cluster.sh start    start (idempotent: a running cluster is reused), print the sc:// URL
#   spark/cluster.sh stop     stop every process this script started (pid files), nothing else
#   spark/cluster.sh status   print the state (master JSON) or exit 1
#   spark/cluster.sh url      print the sc:// URL of the running cluster
#   spark/cluster.sh guard PID   (detached helper) stop the cluster as soon as process PID is gone,
#                                however it ended (even kill -9); used by the test tier
#
# Environment (all optional):
#   SPARK_RUN_DIR            where pid files, logs and ports live (default .spark/run)
#   SPARK_CONNECT_PORT       Spark Connect gRPC port (default: a free port)
#   SPARK_MASTER_PORT        master RPC port (default: a free port)
#   SPARK_MASTER_UI_PORT     master web UI / JSON port (default: a free port)
#   SPARK_WORKERS            number of workers (default 2)
#   SPARK_WORKER_MEMORY      memory per worker (default 1g); executors get SPARK_EXECUTOR_MEMORY (768m)
#   SPARK_DRIVER_MEMORY      Connect server (driver) heap (default 1g)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/spark/versions.env"
SPARK_DIR="${SPARK_STATE_DIR:-$ROOT/.spark}"
RUN="${SPARK_RUN_DIR:-$SPARK_DIR/run}"
mkdir -p "$RUN"
RUN="$(cd "$RUN" && pwd)"
VENV="$SPARK_DIR/venv"
JARS="$SPARK_DIR/jars"
WORKERS="${SPARK_WORKERS:-2}"

die() { echo "spark/cluster.sh: $*" >&2; exit 1; }
# the last lines of a log, for an error message (CI shows the end of the output only)
log_tail() { local f; for f in "$@"; do [ -s "$f" ] && printf '\n--- last lines of %s ---\n%s' "$f" "$(tail -n 25 "$f")"; done; return 0; }
log() { echo "spark/cluster.sh: $*" >&2; }

spark_home() {
  [ -x "$VENV/bin/python" ] || die "no Spark runtime in $VENV; run 'make spark-install' (spark/install.sh) first"
  "$VENV/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'
}

free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# A pid counts as ours only while it runs and its command line names our run dir.
# (launch puts PIPELINE_SPARK_RUN=$RUN into the environment of every process it starts.)
ours() { local pid="$1"; [ -n "$pid" ] && { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF -- "PIPELINE_SPARK_RUN=$RUN"; }

pidfile_alive() { local f="$RUN/$1.pid"; [ -f "$f" ] && ours "$(cat "$f")"; }

master_json() { curl -fsS --max-time 3 "http://127.0.0.1:$(cat "$RUN/master-ui.port")/json/" 2>/dev/null; }

alive_workers() {
  master_json | "$VENV/bin/python" -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for w in d.get("workers",[]) if w.get("state")=="ALIVE"))' 2>/dev/null || echo 0
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Start one JVM in its own session (so stop can end its children too); pid = the JVM's pid.
# The pid file is written by the process itself after setsid, right before it execs the
# launcher (which execs java): `$!` is not that pid when setsid forks (a process-group
# leader), and between fork and exec a just-started child does not carry our mark yet,
# so a check right after the launch could take a starting JVM for a dead one.
launch() {
  local name="$1"; shift
  local f="$RUN/$name.pid"
  rm -f "$f"
  PIPELINE_SPARK_RUN="$RUN" SPARK_LOG_DIR="$RUN/logs" setsid bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$f" "$@" \
    >"$RUN/logs/$name.out" 2>&1 </dev/null &
  local i
  for i in $(seq 1 200); do [ -s "$f" ] && ours "$(cat "$f")" && return 0; sleep 0.05; done
  die "$name did not start (no live process wrote $f in 10 s)$(log_tail "$RUN/logs/$name.out")"
}

start() {
  local home; home="$(spark_home)"
  mkdir -p "$RUN/logs"
  export SPARK_HOME="$home" SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1 SPARK_CONF_DIR="$RUN/conf"
  export SPARK_NO_DAEMONIZE=1 PYSPARK_PYTHON="$VENV/bin/python"
  mkdir -p "$SPARK_CONF_DIR"
  # A fixed log4j2 config (WARN) so the JVM logs stay readable; marks the command lines with $RUN.
  cat >"$SPARK_CONF_DIR/log4j2.properties" <<'L4J'
rootLogger.level = warn
rootLogger.appenderRef.stdout.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex
logger.master.name = org.apache.spark.deploy.master.Master
logger.master.level = info
logger.worker.name = org.apache.spark.deploy.worker.Worker
logger.worker.level = info
logger.connect.name = org.apache.spark.sql.connect.service.SparkConnectServer
logger.connect.level = info
L4J
  local t0=$SECONDS
  # a start that fails half-way leaves nothing running
  trap 'rc=$?; if [ $rc -ne 0 ]; then log "start failed: stopping what was started"; stop; fi' EXIT
  local marker="-Dpipeline.spark.run=$RUN"

  if pidfile_alive master; then
    log "master already running (pid $(cat "$RUN/master.pid"))"
  else
    echo "${SPARK_MASTER_PORT:-$(free_port)}" >"$RUN/master.port"
    echo "${SPARK_MASTER_UI_PORT:-$(free_port)}" >"$RUN/master-ui.port"
    SPARK_DAEMON_JAVA_OPTS="$marker" SPARK_DAEMON_MEMORY=512m launch master "$home/bin/spark-class" org.apache.spark.deploy.master.Master \
      --host 127.0.0.1 --port "$(cat "$RUN/master.port")" --webui-port "$(cat "$RUN/master-ui.port")"
  fi
  local mport; mport="$(cat "$RUN/master.port")"
  local i

  for i in $(seq 1 "$WORKERS"); do
    if pidfile_alive "worker$i"; then continue; fi
    # a stopped worker's folder only holds old executors' jar copies and logs (~25 MB per app)
    rm -rf "$RUN/worker$i"; mkdir -p "$RUN/worker$i"
    SPARK_DAEMON_JAVA_OPTS="$marker" SPARK_DAEMON_MEMORY=512m launch "worker$i" "$home/bin/spark-class" org.apache.spark.deploy.worker.Worker \
      "spark://127.0.0.1:$mport" --host 127.0.0.1 --port 0 --webui-port 0 \
      --cores 1 --memory "${SPARK_WORKER_MEMORY:-1g}" --work-dir "$RUN/worker$i"
  done
  # The workers boot while the master does (they retry registering); the Connect server needs
  # the master up first (its application registration retries only every 20 s).
  for i in $(seq 1 180); do master_json >/dev/null && break; pidfile_alive master || die "master exited$(log_tail "$RUN/logs/master.out")"; sleep 0.5; done
  master_json >/dev/null || die "master did not come up in 90 s$(log_tail "$RUN/logs/master.out")"

  if ! pidfile_alive connect; then
    echo "${SPARK_CONNECT_PORT:-$(free_port)}" >"$RUN/connect.port"
    local jars; jars="$(ls "$JARS"/*.jar | paste -sd, -)"
    [ -n "$jars" ] || die "no table format jars in $JARS; run spark/install.sh"
    launch connect "$home/bin/spark-submit" \
      --class org.apache.spark.sql.connect.service.SparkConnectServer \
      --name "pipeline Spark Connect server" \
      --master "spark://127.0.0.1:$mport" \
      --driver-memory "${SPARK_DRIVER_MEMORY:-1g}" \
      --driver-java-options "$marker" \
      --jars "$jars" \
      --conf spark.connect.grpc.binding.address=127.0.0.1 \
      --conf spark.connect.grpc.binding.port="$(cat "$RUN/connect.port")" \
      --conf spark.ui.enabled=false \
      --conf spark.driver.host=127.0.0.1 \
      --conf spark.driver.bindAddress=127.0.0.1 \
      --conf spark.executor.cores=1 \
      --conf spark.cores.max="$WORKERS" \
      --conf spark.executor.memory="${SPARK_EXECUTOR_MEMORY:-768m}" \
      --conf spark.sql.shuffle.partitions=4 \
      --conf spark.sql.session.timeZone=UTC \
      --conf spark.sql.catalogImplementation=in-memory \
      --conf spark.sql.warehouse.dir="$RUN/spark-warehouse" \
      --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
      --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
      --conf spark.databricks.delta.snapshotPartitions=2 \
      spark-internal
  fi
  local cport; cport="$(cat "$RUN/connect.port")"
  for i in $(seq 1 180); do [ "$(alive_workers)" -ge "$WORKERS" ] && break; sleep 0.5; done
  [ "$(alive_workers)" -ge "$WORKERS" ] || die "only $(alive_workers) of $WORKERS workers registered in 90 s$(log_tail "$RUN"/logs/worker*.out "$RUN/logs/master.out")"
  for i in $(seq 1 240); do port_open "$cport" && break; pidfile_alive connect || die "Spark Connect server exited$(log_tail "$RUN/logs/connect.out")"; sleep 0.5; done
  port_open "$cport" || die "Spark Connect server did not open port $cport in 120 s$(log_tail "$RUN/logs/connect.out")"
  log "up in $((SECONDS - t0)) s: master spark://127.0.0.1:$mport (JSON http://127.0.0.1:$(cat "$RUN/master-ui.port")/json/), $WORKERS workers, Spark Connect on 127.0.0.1:$cport"
  echo "sc://127.0.0.1:$cport"
}

stop_one() {
  local name="$1" f="$RUN/$1.pid" pid
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  if ours "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local i; for i in $(seq 1 40); do ours "$pid" || break; sleep 0.25; done
    if ours "$pid"; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$f"
}

stop() {
  stop_one connect
  local f
  for f in "$RUN"/worker*.pid; do [ -e "$f" ] && stop_one "$(basename "$f" .pid)"; done
  stop_one master
  # executors are children of the workers' sessions; make sure none of ours outlived them
  local p
  for p in $(ls /proc | grep -E '^[0-9]+$'); do if [ "$p" != "$$" ] && ours "$p"; then kill -KILL "$p" 2>/dev/null || true; fi; done
  return 0
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) pidfile_alive master && pidfile_alive connect || { echo "not running" >&2; exit 1; }; master_json; echo ;;
  guard)
    owner="${2:?usage: spark/cluster.sh guard PID}"
    echo $$ >"$RUN/guard.pid"
    while kill -0 "$owner" 2>/dev/null; do sleep 1; done
    log "process $owner is gone: stopping the cluster in $RUN"
    stop
    rm -f "$RUN/guard.pid"
    ;;
  url) pidfile_alive connect || { echo "not running" >&2; exit 1; }; echo "sc://127.0.0.1:$(cat "$RUN/connect.port")" ;;
  *) echo "usage: spark/cluster.sh start|stop|status|url" >&2; exit 2 ;;
esac
