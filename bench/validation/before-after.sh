#!/bin/bash
# Before/after in one session: builds the validation module of another commit (BEFORE, e.g. main) in a temporary
# copy of that tree, then measures one-VM validations per CPU-second with the full vmware rule set on the same
# workload (OneVmCpuRate.java, API common to both versions) for that tree and this one alternately (before, after,
# before, after), so both see the same machine load.
# Usage (from the repository root): bench/validation/before-after.sh BEFORE [AOT|INTERPRETER] [rounds] [seconds]
set -e
BEFORE=${1:?usage: bench/validation/before-after.sh BEFORE-COMMIT [AOT|INTERPRETER] [rounds] [seconds]}
shift
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
TMP=$(mktemp -d /tmp/hoist-bench-before.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
git archive "$BEFORE" | tar -x -C "$TMP"

build() { # $1 = tree
    (cd "$1" && mvn -q -Pbench -pl platform-core/validation -am test-compile dependency:build-classpath -DskipTests \
        -Dmdep.includeScope=test -Dmdep.outputFile="$1/platform-core/validation/target/bench-classpath.txt")
}
run() { # $1 = label, $2 = tree, then OneVmCpuRate's mode, rounds, seconds
    label=$1 tree=$2
    shift 2
    M=$tree/platform-core/validation
    CP="$M/target/test-classes:$M/target/classes:$(cat $M/target/bench-classpath.txt)"
    echo "== $label ($(uptime | sed 's/.*load average/load average/'))"
    java -Xmx2g -cp "$CP" "$ROOT/bench/validation/OneVmCpuRate.java" "$ROOT/$WORKLOAD" "${@:-AOT}" | sed "s/^/  $label  /"
}
WORKLOAD=platform-core/validation/src/test/resources/workloads/vsphere-erp-db-01.json
build "$TMP"
build "$ROOT"
for round in 1 2; do
    run "before($BEFORE)" "$TMP" "${@:-AOT}"
    run "after" "$ROOT" "${@:-AOT}"
done
echo
echo "Rerun: bench/validation/before-after.sh $BEFORE $*"
