#!/usr/bin/env bash
# oVirt inventory scale bench: the test engine scaled to $VMS VMs (default 2000) on $HOSTS hosts (default 8).
# Prints the time to the first full inventory and the change-to-inventory delay, in the plugin alone and through
# `hoist serve` (dist/, built here) up to the inventory API. Not part of the test suite.
# Usage (from the repo root or anywhere): bench/ovirt/run.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. "$root/scripts/java25.sh"
hoist_find_java25
cp="$root/plugins/ovirt/target/bench-classpath.txt"
mvn -q -DskipTests package >/dev/null
mvn -q -pl plugins/ovirt -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp" >/dev/null
CP="$root/plugins/ovirt/target/test-classes:$root/plugins/ovirt/target/classes:$root/plugin-api/target/classes:$(cat "$cp")"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
exec "$JAVA_HOME/bin/java" -Xmx2g -cp "$CP" -Dhoist.shared.dir="$root/../shared" -Dhoist.root="$root" \
  -Dvms="${VMS:-2000}" -Dhosts="${HOSTS:-8}" -Dchanges="${CHANGES:-20}" -DpollMillis="${POLL_MS:-1000}" \
  -DpollSeconds="$(( ${POLL_MS:-1000} / 1000 ))" \
  bench/ovirt/InventoryScaleBench.java
