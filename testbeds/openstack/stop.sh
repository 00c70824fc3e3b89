#!/usr/bin/env bash
# Stops the OpenStack testbed started by start.sh: every daemon's process group (SIGTERM, then SIGKILL for
# the ones that ignore it), then the Cinder bind mount. Keeps BASE (logs) unless --wipe. Idempotent.
set -uo pipefail
BASE="${HOIST_OPENSTACK_DIR:-/var/tmp/hoist-openstack}"
[ -d "$BASE/pids" ] || exit 0
for f in "$BASE"/pids/*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
done
for i in $(seq 1 20); do
  alive=0
  for f in "$BASE"/pids/*.pid; do
    [ -f "$f" ] && kill -0 -- "-$(cat "$f")" 2>/dev/null && alive=1
  done
  [ $alive -eq 0 ] && break
  sleep 0.5
done
for f in "$BASE"/pids/*.pid; do
  [ -f "$f" ] || continue
  kill -KILL -- "-$(cat "$f")" 2>/dev/null || true
  rm -f "$f"
done
# RabbitMQ started epmd on the testbed's port; it outlives the broker
ERL_EPMD_PORT=34369 epmd -kill >/dev/null 2>&1 || true
if [ -f "$BASE/cinder/mountpoint" ]; then
  mp=$(cat "$BASE/cinder/mountpoint")
  mountpoint -q "$mp" && umount "$mp"
fi
rm -f "$BASE/testbed.json"
[ "${1:-}" = "--wipe" ] && rm -rf "$BASE"
exit 0
