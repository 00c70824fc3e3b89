#!/usr/bin/env bash
# Installs what the tests need (Debian packages, the govmomi vCenter simulator build) and runs every test.
# Used as is by .ci/run. Needs root (or sudo) for apt-get on a fresh machine.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
cd "$ROOT"

# shellcheck source=scripts/java25.sh
source "$ROOT/scripts/java25.sh"
hoist_find_java25

PACKAGES=(qemu-utils nbdkit libnbd-bin golang-go golang-github-vmware-govmomi-dev tar ansible-core openssh-server)
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

# The vCenter simulator the vSphere plugin's tests talk to (built from Debian's govmomi sources).
if [ -x testbeds/vcsim/build.sh ]; then
  testbeds/vcsim/build.sh
fi

# The real OpenStack the OpenStack plugin's tests use (testbeds/openstack): installed (Debian packages, once) and
# started in the background while Maven builds (the tests wait for it through start.sh's lock), stopped at the end.
testbeds/openstack/start.sh > "${TMPDIR:-/tmp}/hoist-openstack-start.log" 2>&1 &
trap 'testbeds/openstack/stop.sh' EXIT

mvn -B -ntp verify "$@"
