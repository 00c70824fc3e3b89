#!/usr/bin/env bash
# Installs what the tests need (Debian packages, the govmomi vCenter simulator build) and runs every test.
# Used as is by .ci/run. Needs root (or sudo) for apt-get on a fresh machine.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
cd "$ROOT"

# shellcheck source=scripts/java25.sh
source "$ROOT/scripts/java25.sh"
hoist_find_java25

# ansible-core and openssh-server run hooks. virt-v2v and the guest it converts in the tests: libguestfs needs a host
# kernel (linux-image-amd64) for its appliance; debootstrap and fdisk build the test guest; qemu-system-x86 boots it.
# openssl checks the TLS suites the API offers; mount (losetup) and python3 check sparse files and loop devices.
# prometheus (with promtool) scrapes the platform and checks the metrics and examples/monitoring.
# chromium: the web console's end-to-end test drives Debian's browser (playwright-core never downloads one).
# postgresql: the store contract tests and two servers on one database run against a throwaway cluster (initdb, pg_ctl).
PACKAGES=(qemu-utils nbdkit libnbd-bin golang-go golang-github-vmware-govmomi-dev tar ansible-core openssh-server
  virt-v2v libguestfs-tools qemu-system-x86 linux-image-amd64 debootstrap fdisk openssl mount python3 prometheus chromium
  postgresql iptables iproute2)
# kubectl drives the API in KubectlConformanceTest; Debian ships it as kubernetes-client (any kubectl on PATH will do).
command -v kubectl >/dev/null 2>&1 || PACKAGES+=(kubernetes-client)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "test.sh: installing ${missing[*]}" >&2
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

# The real OpenStack the OpenStack tests use (testbeds/openstack: Debian packages, ~10 min to install on a fresh
# machine, then ~5-20 min to start): installed and started in the background now, after the apt-get above (one dpkg
# at a time), while the rest builds; its tests wait for it and fail naming this log if it did not come up.
export HOIST_OPENSTACK_START_LOG="${TMPDIR:-/tmp}/hoist-openstack-start.log"
testbeds/openstack/start.sh > "$HOIST_OPENSTACK_START_LOG" 2>&1 &
OPENSTACK_START_PID=$!
trap 'kill "$OPENSTACK_START_PID" 2>/dev/null || true; testbeds/openstack/stop.sh >/dev/null 2>&1 || true' EXIT

# The vCenter simulator the vSphere plugin's tests talk to (built from Debian's govmomi sources).
if [ -x testbeds/vcsim/build.sh ]; then
  testbeds/vcsim/build.sh
fi

# The Linux guest the virt-v2v tests convert and boot (built once from Debian packages, cached in ~/.cache/hoist/guests).
if [ -x testbeds/guest/build.sh ]; then
  testbeds/guest/build.sh >/dev/null
fi

# The console module builds with the machine's Node.js (>= 20.19) and npm; nothing downloads a Node binary.
if ! command -v npm >/dev/null 2>&1; then
  echo "test.sh: the web console needs Node.js >= 20.19 and npm (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi

mvn -B -ntp verify "$@"
