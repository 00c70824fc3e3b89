#!/bin/sh
# oVirt inventory scale bench: the test engine scaled to $VMS VMs (default 2000) on $HOSTS hosts (default 8).
# Prints the time to the first full inventory and the change-to-inventory delay. Not part of the test suite.
# Usage (from the repo root or anywhere): bench/ovirt/run.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cp="$root/plugins/ovirt/target/bench-classpath.txt"
mvn -q -pl plugins/ovirt -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp" >/dev/null
CP="$root/plugins/ovirt/target/test-classes:$root/plugins/ovirt/target/classes:$root/plugin-api/target/classes:$(cat "$cp")"
exec java -Xmx1g -cp "$CP" -Dhoist.shared.dir="$root/../shared" \
  -Dvms="${VMS:-2000}" -Dhosts="${HOSTS:-8}" -Dchanges="${CHANGES:-20}" -DpollMillis="${POLL_MS:-1000}" \
  bench/ovirt/InventoryScaleBench.java
