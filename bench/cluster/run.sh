#!/bin/sh
# Cluster bench: the same OVA VMs, spread over $HOSTS source hosts (OVA providers), migrated by one process and by
# clusters of 1, 2 and 3 nodes on one PostgreSQL, each node capped at $MIBPS MiB/s standing in for its NIC. Prints
# time, throughput, CPU per VM, PostgreSQL row writes per VM and the VMs each node ran for each. Not part of the test suite. Needs PostgreSQL's initdb/pg_ctl (Debian
# postgresql). Usage: bench/cluster/run.sh   (VMS=6 MIB=64 MIBPS=8 HOSTS=3 MODES=single,1,2,3)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cp="$root/it/target/bench-classpath.txt"
# One reactor run: the plugins packaged into dist/plugins, the platform and the bench compiled, and the it module's test
# class path written (its siblings as their target/classes; nothing installed into ~/.m2).
mvn -q -B -ntp -pl it,plugins/ova,plugins/kubevirt -am package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null
CP="$root/it/target/test-classes:$(cat "$cp")"
exec nice java -Xmx512m -cp "$CP" -Dhoist.plugins.dir="$root/dist/plugins" \
  -Dvms="${VMS:-6}" -Dmib="${MIB:-64}" -Dmibps="${MIBPS:-8}" -Dhosts="${HOSTS:-3}" -Dmodes="${MODES:-single,1,2,3}" io.hoist.it.ClusterBench
