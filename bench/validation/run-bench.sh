#!/bin/sh
# JMH benchmark of the validation service: VM validations per second on one core with the full default
# vmware rule set (AOT and interpreter), and the time to re-validate a 10,000-VM inventory after a
# rules_version bump (one worker per core).
# Usage (from the repository root): bench/validation/run-bench.sh [extra JMH options, e.g. -wi 1 -i 1]
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# one reactor run, so sibling modules resolve to their target/classes (nothing is installed in ~/.m2);
# every module writes the file, the validation module (built last) wins
mvn -q -Pbench -pl platform-core/validation -am test-compile dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=test -Dmdep.outputFile="$ROOT/platform-core/validation/target/bench-classpath.txt"
M=platform-core/validation
CP="$M/target/test-classes:$M/target/classes:$(cat $M/target/bench-classpath.txt)"
java -cp "$CP" org.openjdk.jmh.Main io.hoist.core.validation.bench.ValidationBenchmark -rf text \
    -rff $M/target/bench-results.txt "$@"
echo
echo "Results: $M/target/bench-results.txt"
echo "Rerun:   bench/validation/run-bench.sh $*"
