#!/usr/bin/env bash
# Fixed start-up cost of one `hoist copy` (one JVM per disk): CPU-s (user+sys) of an empty 1 MiB copy, run the way
# ./hoist runs copy/verify (its jar list, JVM flags and AOT cache, scripts/transfer-aot.sh), RUNS times.
#   bench/transfer/startup.sh [LIB_DIR [MAIN_CLASS]]     defaults: dist/lib (after ./hoist built it), io.hoist.cli.DiskCommands
# MAIN_CLASS=io.hoist.cli.Main with a hoist-cli jar from before DiskCommands gives the picocli route's figure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LIB="${1:-$ROOT/dist/lib}"
MAIN="${2:-io.hoist.cli.DiskCommands}"
RUNS="${RUNS:-5}"
# shellcheck source=../../scripts/java25.sh
source "$ROOT/scripts/java25.sh"
hoist_find_java25
cp=""
for jar in hoist-cli picocli plugin-api hoist-transfer hash4j hoist-server logback-classic logback-core slf4j-api \
           jul-to-slf4j slf4j-jdk-platform-logging; do
  found=("$LIB/$jar"-[0-9]*.jar)
  [ -e "${found[0]}" ] || { echo "no $jar jar in $LIB" >&2; exit 1; }
  cp="$cp${cp:+:}${found[0]}"
done
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=../../scripts/transfer-aot.sh
source "$ROOT/scripts/transfer-aot.sh"
hoist_aot_options "$WORK/aot" "$cp"
truncate -s 1M "$WORK/empty.img"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $MAIN; ${HOIST_AOT_OPTS[*]}"
for _ in $(seq "$RUNS"); do
  rm -f "$WORK/dst.img"
  /usr/bin/time -f '%U %S %e' -o "$WORK/time" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED "${HOIST_AOT_OPTS[@]}" \
    -cp "$cp" "$MAIN" copy --no-progress "$WORK/empty.img" "$WORK/dst.img" >/dev/null
  awk '{printf "%.2f CPU-s (user %s, sys %s), wall %s s\n", $1 + $2, $1, $2, $3}' "$WORK/time"
done
