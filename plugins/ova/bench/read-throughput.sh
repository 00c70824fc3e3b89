#!/bin/sh
# Read throughput of a streamOptimized VMDK straight out of an OVA (Hoist's reader) next to
# `qemu-img convert -O raw` of the same file. Usage: plugins/ova/bench/read-throughput.sh [SIZE_MIB] [THREADS]
set -eu
cd "$(dirname "$0")/../../.."
SIZE=${1:-512}
THREADS=${2:-4}
mvn -q -o -pl plugins/ova -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
java -cp "plugins/ova/target/classes:plugins/ova/target/test-classes:$(cat plugins/ova/target/bench.cp)" \
    io.hoist.plugin.ova.bench.OvaReadBench "$WORK" "$SIZE" "$THREADS"
echo "rerun: plugins/ova/bench/read-throughput.sh $SIZE $THREADS"
