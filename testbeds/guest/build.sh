#!/usr/bin/env bash
# Builds the Linux test guest once and caches it: a Debian 12 minbase system laid out like a VMware guest
# (root on /dev/sda1 in fstab, SCSI/SATA/VMware drivers but no virtio in the initramfs, open-vm-tools,
# a static address on the vmxnet3-style name ens192), on a sparse raw disk with an MBR and GRUB.
# It does not boot on virtio-blk until converted; once converted a unit prints a marker on the serial
# console. Prints the image's path on the last line of stdout.
#
# Usage: testbeds/guest/build.sh            (cache: $HOIST_GUEST_CACHE, else ~/.cache/hoist/guests)
# Needs root (debootstrap, chroot), debootstrap, e2fsprogs, fdisk and the Debian mirror apt uses.
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
CACHE="${HOIST_GUEST_CACHE:-$HOME/.cache/hoist/guests}"
KEY="$(cat "$HERE"/build.sh "$HERE"/files/* | sha256sum | cut -c1-16)"
OUT="$CACHE/$KEY"
IMAGE="$OUT/debian12-vmware.img"
SUITE=bookworm
DISK_MIB=1536
PART_START=2048   # sectors: the MBR gap (1 MiB) holds GRUB's core image
FS_UUID=5a1e0b1d-0f5e-4c8e-9d3a-70157e571001

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
if [ -f "$OUT/ready" ]; then
  echo "$IMAGE"
  exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "build.sh: needs root (debootstrap and chroot)" >&2; exit 1; }
for tool in debootstrap mkfs.ext4 sfdisk; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (apt-get install debootstrap e2fsprogs fdisk)" >&2; exit 1; }
done
# The mirror apt already uses here (CI reaches the Debian mirror and nothing else).
MIRROR="$(grep -h -m1 -oE '^URIs: *[^ ]+/debian$' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' || true)"
[ -n "$MIRROR" ] || MIRROR="$(grep -h -m1 -oE '^deb +[^ ]+/debian ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' || true)"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"

WORK="$(mktemp -d "$CACHE/build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/root"
start=$(date +%s)
echo "build.sh: debootstrap $SUITE from $MIRROR into $ROOT" >&2
debootstrap --variant=minbase --include=systemd-sysv,udev,kmod,iproute2,ifupdown,initramfs-tools,zstd \
  "$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || { tail -30 "$WORK/debootstrap.log" >&2; exit 1; }

# Before the kernel arrives: an initramfs with the drivers a VMware VM needs and nothing else.
install -m 0644 "$HERE/files/initramfs.conf" "$ROOT/etc/initramfs-tools/conf.d/hoist-vmware.conf"
install -m 0644 "$HERE/files/initramfs-modules" "$ROOT/etc/initramfs-tools/modules"
echo "$MIRROR" | sed 's|^|deb |; s|$| '"$SUITE"' main|' >"$ROOT/etc/apt/sources.list"
cat >"$ROOT/usr/sbin/policy-rc.d" <<'P'
#!/bin/sh
exit 101
P
chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get -q update >"$WORK/apt.log" 2>&1
chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get -q -y --no-install-recommends install \
  linux-image-amd64 grub-pc-bin grub2-common open-vm-tools >>"$WORK/apt.log" 2>&1 || { tail -30 "$WORK/apt.log" >&2; exit 1; }
rm -f "$ROOT/usr/sbin/policy-rc.d"

KVER="$(ls "$ROOT/lib/modules" | head -1)"
# Smaller image: no docs, locales, apt caches, nor drivers a server VM never uses.
rm -rf "$ROOT"/usr/share/{doc,man,info,locale}/* "$ROOT"/var/cache/apt/* "$ROOT"/var/lib/apt/lists/*
for d in sound drivers/gpu drivers/media drivers/net/wireless drivers/net/ethernet drivers/infiniband drivers/staging \
         drivers/bluetooth drivers/iio drivers/isdn drivers/usb drivers/hid drivers/input/touchscreen \
         drivers/platform/x86 net/wireless net/mac80211 net/bluetooth fs/ocfs2 fs/gfs2 fs/btrfs fs/xfs; do
  rm -rf "$ROOT/lib/modules/$KVER/kernel/$d"
done
chroot "$ROOT" depmod -a "$KVER"

# VMware-guest layout: SCSI names, a static address on ens192 (vmxnet3 in PCI slot 192), serial console.
echo hoist-guest >"$ROOT/etc/hostname"
printf '/dev/sda1\t/\text4\terrors=remount-ro\t0\t1\n' >"$ROOT/etc/fstab"
install -m 0644 "$HERE/files/interfaces" "$ROOT/etc/network/interfaces"
install -m 0644 "$HERE/files/grub-default" "$ROOT/etc/default/grub"
install -m 0755 "$HERE/files/hoist-marker" "$ROOT/usr/local/sbin/hoist-marker"
install -m 0644 "$HERE/files/hoist-marker.service" "$ROOT/etc/systemd/system/hoist-marker.service"
ln -sf /etc/systemd/system/hoist-marker.service "$ROOT/etc/systemd/system/multi-user.target.wants/hoist-marker.service"
chroot "$ROOT" passwd -d root >/dev/null
: >"$ROOT/etc/machine-id"
chroot "$ROOT" update-initramfs -u -k "$KVER" >"$WORK/initramfs.log" 2>&1 || { cat "$WORK/initramfs.log" >&2; exit 1; }
if lsinitramfs "$ROOT/boot/initrd.img-$KVER" 2>/dev/null | grep -q 'virtio_blk'; then
  echo "build.sh: the initramfs has virtio_blk; the guest would not prove conversion" >&2
  exit 1
fi

# GRUB as grub-install would lay it out, without a block device: modules under /boot/grub,
# boot.img's code in the MBR, the core image in the gap before the partition.
mkdir -p "$ROOT/boot/grub/i386-pc"
cp "$ROOT"/usr/lib/grub/i386-pc/*.mod "$ROOT"/usr/lib/grub/i386-pc/*.lst "$ROOT/boot/grub/i386-pc/"
sed "s/@KVER@/$KVER/g; s/@UUID@/$FS_UUID/g" "$HERE/files/grub.cfg" >"$ROOT/boot/grub/grub.cfg"
chroot "$ROOT" grub-mkimage -O i386-pc -o /tmp/core.img -p '(hd0,msdos1)/boot/grub' biosdisk part_msdos ext2
mv "$ROOT/tmp/core.img" "$WORK/core.img"
cp "$ROOT/usr/lib/grub/i386-pc/boot.img" "$WORK/boot.img"

# The disk: MBR with one bootable Linux partition, ext4 filled straight from the tree (no loop device).
PART_MIB=$((DISK_MIB - 1))
mkfs.ext4 -q -F -L root -U "$FS_UUID" -d "$ROOT" "$WORK/root.ext4" "${PART_MIB}M"
truncate -s "${DISK_MIB}M" "$WORK/disk.img"
echo "start=$PART_START, type=83, bootable" | sfdisk -q "$WORK/disk.img"
dd if="$WORK/root.ext4" of="$WORK/disk.img" bs=1M seek=1 conv=notrunc,sparse status=none
dd if="$WORK/boot.img" of="$WORK/disk.img" bs=440 count=1 conv=notrunc status=none
core_sectors=$(( ($(stat -c %s "$WORK/core.img") + 511) / 512 ))
[ "$core_sectors" -lt "$PART_START" ] || { echo "build.sh: GRUB core image does not fit the MBR gap" >&2; exit 1; }
dd if="$WORK/core.img" of="$WORK/disk.img" bs=512 seek=1 conv=notrunc status=none

mkdir -p "$OUT"
mv "$WORK/disk.img" "$IMAGE"
# Guests of earlier versions of this script are not used any more.
find "$CACHE" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex '.*/[0-9a-f]{16}' ! -name "$KEY" -exec rm -rf {} +
echo "kernel=$KVER seconds=$(( $(date +%s) - start )) mirror=$MIRROR" >"$OUT/ready"
echo "build.sh: built $IMAGE in $(( $(date +%s) - start )) s" >&2
echo "$IMAGE"
