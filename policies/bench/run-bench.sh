#!/bin/sh
# JMH benchmark of policy evaluation (evaluations per second on one core): our compiled 12-rule validation
# policy and OPA's demo-policy.wasm, each with Chicory's interpreter and its ahead-of-time compiler.
# Usage (from the repository root): policies/bench/run-bench.sh [extra JMH options, e.g. -wi 1 -i 1]
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
mvn -q -Pbench -pl policies -am test-compile -DskipTests
mvn -q -Pbench -pl policies dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$ROOT/policies/target/bench-classpath.txt"
CP="policies/target/test-classes:policies/target/classes:$(cat policies/target/bench-classpath.txt)"
java -cp "$CP" org.openjdk.jmh.Main io.hoist.policy.bench.PolicyBenchmark -rf text -rff policies/target/bench-results.txt "$@"
echo
echo "Results: policies/target/bench-results.txt"
echo "Rerun:   policies/bench/run-bench.sh $*"
