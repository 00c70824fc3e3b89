#!/bin/sh
# Builds testbeds/vcsim/hoist-vcsim (govmomi's vCenter simulator with our flags) from Debian packages.
# Installs golang-go and golang-github-vmware-govmomi-dev when missing. Idempotent: skips the build
# when the binary is newer than main.go. Usage: testbeds/vcsim/build.sh [--force]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin="$here/hoist-vcsim"
need=""
command -v go >/dev/null 2>&1 || need="golang-go"
[ -d /usr/share/gocode/src/github.com/vmware/govmomi/simulator ] || need="$need golang-github-vmware-govmomi-dev"
if [ -n "$need" ]; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  # another process may hold the dpkg lock: retry for up to 5 minutes
  i=0
  until $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y $need; do
    i=$((i + 1)); [ $i -lt 30 ] || { echo "apt-get install $need failed" >&2; exit 1; }
    sleep 10
  done
fi
if [ "${1:-}" != "--force" ] && [ -x "$bin" ] && [ "$bin" -nt "$here/main.go" ]; then
  echo "$bin is up to date"; exit 0
fi
cd "$here"
GOPATH=/usr/share/gocode GO111MODULE=off GOCACHE="${GOCACHE:-${TMPDIR:-/tmp}/hoist-go-cache}" \
  go build -o "$bin" main.go
echo "built $bin"
