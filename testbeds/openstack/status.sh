#!/usr/bin/env bash
# Exit 0 when every API of the testbed answers on 127.0.0.1 (Keystone, Glance, Cinder, Placement, Nova, Neutron).
set -u
for port in 5000 9292 8776 8778 8774 9696; do
  code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$port/") || { echo "port $port: no answer"; exit 1; }
  case "$code" in 2*|3*|401) ;; *) echo "port $port: HTTP $code"; exit 1 ;; esac
done
echo "up"
