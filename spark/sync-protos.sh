#!/usr/bin/env bash
# Copies the Spark Connect .proto files of the installed (pinned) Spark into pipeline/spark/proto.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/spark/versions.env"
HOME_DIR="$("$ROOT/.spark/venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
JAR="$HOME_DIR/jars/spark-connect_${SCALA_BINARY}-${PYSPARK_VERSION}.jar"
[ -f "$JAR" ] || { echo "no $JAR; run spark/install.sh" >&2; exit 1; }
rm -rf "$ROOT/pipeline/spark/proto/spark"
unzip -q -o "$JAR" 'spark/connect/*.proto' -d "$ROOT/pipeline/spark/proto"
echo "copied $(ls "$ROOT/pipeline/spark/proto/spark/connect" | wc -l) files from $JAR; update the table in pipeline/spark/proto/README.md (sha256sum)" >&2
