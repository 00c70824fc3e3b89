#!/bin/sh
# Admission and name-template figures for hoist-model. Usage (from the repository root):
#   platform-core/model/bench.sh [vm-count]
set -e
cd "$(dirname "$0")/../.."
mvn -q -o -pl platform-core/model -am test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/platform-core/model/target/bench.cp"
CP="$(cat platform-core/model/target/bench.cp):platform-core/model/target/classes:platform-core/model/target/test-classes"
java -cp "$CP" io.hoist.core.model.bench.ModelBench "$@" 2>&1 | grep -v '^SLF4J'
echo "rerun: platform-core/model/bench.sh ${1:-1000}"
