#!/usr/bin/env bash
# Installs the Debian (bookworm) packages of the OpenStack testbed when missing (--no-install-recommends:
# ~350 packages, ~730 MB, a few minutes once). Daemons the packages would start are kept stopped
# (policy-rc.d): start.sh runs its own on 127.0.0.1 with its own configs.
set -euo pipefail
PACKAGES=(keystone python3-openstackclient glance-api cinder-api cinder-scheduler cinder-volume nfs-common
  nova-api nova-conductor nova-scheduler python3-nova placement-api neutron-server rabbitmq-server
  mariadb-server python3-pymysql uwsgi-plugin-python3 qemu-utils sudo curl openssl util-linux)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "openstack-testbed: installing ${missing[*]}" >&2
policy=/usr/sbin/policy-rc.d
had_policy=0; [ -e "$policy" ] && had_policy=1
if [ $had_policy -eq 0 ]; then printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null; $SUDO chmod +x "$policy"; fi
trap '[ $had_policy -eq 0 ] && $SUDO rm -f "$policy"' EXIT
$SUDO apt-get update -q
i=0
until DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; do
  i=$((i + 1)); [ $i -lt 20 ] || { echo "apt-get install failed" >&2; exit 1; }
  sleep 10   # another process may hold the dpkg lock
done
