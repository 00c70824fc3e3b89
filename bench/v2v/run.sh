#!/usr/bin/env bash
# Guest conversion bench: the Debian test guest (testbeds/guest) converted by Hoist's virt-v2v plugin
# (qcow2 overlay + virt-v2v-in-place + commit, what the ImageConversion step runs) side by side with plain
# virt-v2v (-i disk -o local, which writes a converted copy) in the same run; libguestfs under TCG as on CI.
# Prints, per tool: libguestfs appliance start, inspection, conversion, total; and Hoist/virt-v2v ratios.
# Usage: bench/v2v/run.sh [ROUNDS=1]   (needs root once to build the guest, the packages of ./test.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
source scripts/java25.sh && hoist_find_java25
ROUNDS="${1:-1}"
export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS="${LIBGUESTFS_BACKEND_SETTINGS:-force_tcg}"
GUEST="$(testbeds/guest/build.sh)"
CP_FILE="$(mktemp)"
mvn -q -pl plugins/virt-v2v -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test -DskipTests
CP="plugins/virt-v2v/target/test-classes:plugins/virt-v2v/target/classes:plugin-api/target/classes:$(cat "$CP_FILE")"
WORK="$(mktemp -d /var/tmp/hoist-v2v-bench.XXXXXX)"
trap 'rm -rf "$WORK" "$CP_FILE"' EXIT

# "[ 63.5] Inspecting the source" lines -> appliance / inspection / conversion seconds
phases() {
  awk '/^\[ *[0-9]+\.[0-9]\] /{t=substr($0,2,index($0,"]")-2)+0; s=substr($0,index($0,"]")+2)}
       s ~ /^Opening the source/ {o=t} s ~ /^Inspecting the source/ {i=t} s ~ /^Converting/ {c=t} s ~ /^Finishing off/ {f=t}
       END {printf "%.1f %.1f %.1f\n", i-o, c-i, f-c}' "$1"
}

printf '%-8s %-22s %10s %10s %11s %9s\n' round tool appliance inspection conversion total
for r in $(seq 1 "$ROUNDS"); do
  mkdir -p "$WORK/hoist/vm" "$WORK/peer/out"
  cp --sparse=always "$GUEST" "$WORK/hoist/vm/guest-disk-0.img"
  cp --sparse=always "$GUEST" "$WORK/peer/guest.img"

  start=$(date +%s.%N)
  java -cp "$CP" io.hoist.plugin.v2v.testing.ConvertMain "$WORK/hoist/vm/guest-disk-0.img" "bench/$r" 00:50:56:8a:30:01 >"$WORK/hoist.out" 2>&1
  hoist_total=$(echo "$(date +%s.%N) - $start" | bc)
  read -r ha hi hc < <(phases "$WORK/hoist/vm/virt-v2v.log")

  start=$(date +%s.%N)
  virt-v2v -i disk "$WORK/peer/guest.img" -o local -os "$WORK/peer/out" -of raw >"$WORK/peer.log" 2>&1
  peer_total=$(echo "$(date +%s.%N) - $start" | bc)
  read -r pa pi pc < <(phases "$WORK/peer.log")

  printf '%-8s %-22s %10s %10s %11s %9.1f\n' "$r" "hoist (in place)" "$ha" "$hi" "$hc" "$hoist_total"
  printf '%-8s %-22s %10s %10s %11s %9.1f\n' "$r" "virt-v2v -o local" "$pa" "$pi" "$pc" "$peer_total"
  printf '%-8s %-22s %32s %9.2f\n' "$r" "ratio hoist/virt-v2v" "" "$(echo "$hoist_total / $peer_total" | bc -l)"
  rm -rf "$WORK/hoist" "$WORK/peer"
done
echo "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); rerun: bench/v2v/run.sh $ROUNDS)"
