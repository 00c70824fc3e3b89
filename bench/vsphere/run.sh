#!/bin/sh
# vSphere inventory scale bench: govmomi's simulator with $VMS VMs (default 2000) on $HOSTS hosts
# (default 8). Prints full load time, heap, and change-to-inventory delay. Not part of the test suite.
# Usage (from the repo root or anywhere): bench/vsphere/run.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
testbeds/vcsim/build.sh >/dev/null
cp="$root/plugins/vsphere/target/bench-classpath.txt"
mvn -q -pl plugins/vsphere -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp" >/dev/null
CP="$root/plugins/vsphere/target/test-classes:$root/plugins/vsphere/target/classes:$root/plugin-api/target/classes:$(cat "$cp")"
exec java -Xmx1g -cp "$CP" -Dhoist.vcsim.binary="$root/testbeds/vcsim/hoist-vcsim" \
  -Dvms="${VMS:-2000}" -Dhosts="${HOSTS:-8}" -Dchanges="${CHANGES:-20}" bench/vsphere/InventoryScaleBench.java
