#!/bin/sh
# Inventory publish rate and route latency over a real socket. Usage: platform-core/inventory/bench/inventory-bench.sh [VMS]
set -eu
cd "$(dirname "$0")/../../.."
N=${1:-10000}
mvn -q -pl platform-core/inventory -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
java -cp "platform-core/inventory/target/classes:platform-core/inventory/target/test-classes:$(cat platform-core/inventory/target/bench.cp)" \
    io.hoist.core.inventory.bench.InventoryBench "$N"
echo "rerun: platform-core/inventory/bench/inventory-bench.sh $N"
