#!/bin/sh
# Runs inside the converted Linux guest (guestfish sh). Arguments: MAC=IP pairs the source reported.
# For each, finds the interface the guest configures with that static IP (ifupdown, ifcfg, NetworkManager
# keyfiles, systemd-networkd) and pins that name to the MAC with a udev rule, so the existing
# configuration applies to the new virtio NIC. Prints "hoist-net: ok MAC NAME" or "hoist-net: missing MAC IP".
rules=/etc/udev/rules.d/70-hoist-persistent-net.rules
tmp=$rules.tmp
: >"$tmp"
for pair in "$@"; do
  mac=${pair%%=*}
  ip=${pair#*=}
  name=""
  for f in /etc/network/interfaces /etc/network/interfaces.d/*; do
    [ -f "$f" ] || continue
    name=$(awk -v ip="$ip" '$1=="iface"{dev=$2} $1=="address"{split($2,a,"/"); if (a[1]==ip) {print dev; exit}}' "$f")
    [ -n "$name" ] && break
  done
  if [ -z "$name" ]; then
    for f in /etc/sysconfig/network-scripts/ifcfg-* /etc/sysconfig/network/ifcfg-*; do
      [ -f "$f" ] || continue
      if grep -Eq "^IPADDR[0-9]*=[\"']?$ip[\"']?\$" "$f"; then
        name=$(sed -n "s/^DEVICE=[\"']\{0,1\}\([^\"']*\).*/\1/p" "$f" | head -1)
        [ -n "$name" ] || name=${f##*/ifcfg-}
        break
      fi
    done
  fi
  if [ -z "$name" ]; then
    for f in /etc/NetworkManager/system-connections/* /etc/systemd/network/*.network; do
      [ -f "$f" ] || continue
      if grep -Eq "(address[0-9]*|Address)=$ip(/|,|\$)" "$f"; then
        name=$(sed -n 's/^\(interface-name\|Name\)=\(.*\)/\2/p' "$f" | head -1)
        [ -n "$name" ] && break
      fi
    done
  fi
  if [ -n "$name" ]; then
    echo "SUBSYSTEM==\"net\", ACTION==\"add\", ATTR{address}==\"$mac\", NAME=\"$name\"" >>"$tmp"
    echo "hoist-net: ok $mac $name"
  else
    echo "hoist-net: missing $mac $ip"
  fi
done
if [ -s "$tmp" ]; then
  mv "$tmp" "$rules"
else
  rm -f "$tmp"
fi
