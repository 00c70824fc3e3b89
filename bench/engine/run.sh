#!/usr/bin/env bash
# Engine scale bench: one plan of N VMs vs 8 plans of N/8 (synthetic source test double, discarding destination).
# Prints time to the first copy, total time, engine CPU time per VM and heap after GC. Usage: bench/engine/run.sh [N=5000] [one|swapped]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
CP_FILE="$(mktemp)"
# One reactor run compiles the engine with its tests and writes its test classpath (siblings as target/classes).
mvn -q -pl platform-core/engine -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test -DskipTests
CP="platform-core/engine/target/test-classes:platform-core/engine/target/classes:$(cat "$CP_FILE")"
exec java -Xmx4g -cp "$CP" io.hoist.core.engine.bench.EngineScaleBench "${1:-5000}" ${2:+"$2"}
