#!/usr/bin/env bash
# Creates the project-local Spark runtime (idempotent):
#   .spark/venv   Python venv with the exactly pinned pyspark (a whole Spark: bin/, sbin/, jars/)
#   .spark/jars   the table format jars (Delta Lake), pinned and checksum-verified
# Versions live in spark/versions.env. Nothing is downloaded at run time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
. "$ROOT/spark/versions.env"
SPARK_DIR="${SPARK_STATE_DIR:-$ROOT/.spark}"
VENV="$SPARK_DIR/venv"
JARS="$SPARK_DIR/jars"
STAMP="$SPARK_DIR/install.stamp"

die() { echo "spark/install.sh: $*" >&2; exit 1; }

# --- prerequisites: Java 17+ and Python 3.10+ -------------------------------------------
JAVA_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$JAVA_BIN" >/dev/null 2>&1 || die "Java 17 or newer is required and was not found. Install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME."
JAVA_MAJOR="$("$JAVA_BIN" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
[ -n "$JAVA_MAJOR" ] && [ "$JAVA_MAJOR" -ge 17 ] || die "Java 17 or newer is required (found: $("$JAVA_BIN" -version 2>&1 | head -1)). Install openjdk-17-jre-headless (or 21) or point JAVA_HOME at one."
PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || die "Python 3.10 or newer is required and was not found. Install it (Debian/Ubuntu: apt-get install python3 python3-venv) or set PYTHON=/path/to/python3."
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || die "Python 3.10 or newer is required (found: $("$PYTHON" --version 2>&1)). Install python3.10+ or set PYTHON=/path/to/python3.10+."
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || die "Python's venv module is missing. Install it (Debian/Ubuntu: apt-get install python3-venv)."

WANT="pyspark=$PYSPARK_VERSION delta=$DELTA_VERSION jars=$(echo $SPARK_JARS | tr ' ' ',')"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && [ -x "$VENV/bin/python" ]; then
  exit 0   # already installed with exactly these versions
fi

mkdir -p "$SPARK_DIR"
# One install at a time (make test starts one in the background; the Spark tier's setup waits for it).
exec 9>"$SPARK_DIR/install.lock"
flock 9
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && [ -x "$VENV/bin/python" ]; then
  exit 0   # another install finished meanwhile
fi
# --- pyspark ------------------------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
  echo "spark/install.sh: creating $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
HAVE="$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("pyspark"))' 2>/dev/null || true)"
if [ "$HAVE" != "$PYSPARK_VERSION" ]; then
  echo "spark/install.sh: installing pyspark==$PYSPARK_VERSION (about 450 MB, once)" >&2
  "$VENV/bin/pip" install --disable-pip-version-check --no-input -q "pyspark==$PYSPARK_VERSION"
fi

# --- table format jars ------------------------------------------------------------------------
mkdir -p "$JARS"
for entry in $(echo "$SPARK_JARS" | awk 'NF==2{print $1"|"$2}'); do
  coord="${entry%%|*}"; sum="${entry##*|}"
  IFS=: read -r group artifact version <<<"$coord"
  file="$artifact-$version.jar"
  if [ -f "$JARS/$file" ] && echo "$sum  $JARS/$file" | sha256sum -c --status; then continue; fi
  url="$MAVEN_REPO/${group//.//}/$artifact/$version/$file"
  echo "spark/install.sh: downloading $url" >&2
  curl -fsSL --retry 3 -o "$JARS/$file.part" "$url" || die "could not download $url"
  echo "$sum  $JARS/$file.part" | sha256sum -c --status || { rm -f "$JARS/$file.part"; die "checksum mismatch for $file (expected sha256 $sum)"; }
  mv "$JARS/$file.part" "$JARS/$file"
done
# drop jars no longer pinned (a version bump must not leave two Deltas on the classpath)
for f in "$JARS"/*.jar; do
  [ -e "$f" ] || continue
  b="$(basename "$f")"
  echo "$SPARK_JARS" | awk 'NF==2{split($1,c,":"); print c[2]"-"c[3]".jar"}' | grep -qxF "$b" || rm -f "$f"
done

echo "$WANT" > "$STAMP"
echo "spark/install.sh: ready (pyspark $PYSPARK_VERSION, Delta Lake $DELTA_VERSION) in $SPARK_DIR" >&2
