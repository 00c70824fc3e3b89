package io.hoist.api.convert;

import io.hoist.api.source.Firmware;

/**
 * What the converter found in the guest.
 *
 * @param osType          linux, windows, ...
 * @param distro          debian, rhel, ubuntu, windows, ...
 * @param osInfo          the libosinfo short id (debian12, rhel9.4, win2k22), which KubeVirt's templates are keyed by
 * @param productName     the OS's own name for itself
 * @param version         major.minor
 * @param arch            x86_64, aarch64, ...
 * @param firmware        what the guest needs to boot
 * @param packageFormat   deb, rpm, ... or null
 * @param virtioInstalled whether virtio block and network drivers are in the converted guest
 * @param guestAgent      whether the QEMU guest agent is installed, or set to install from the guest's own repositories at first boot
 */
public record GuestInspection(String osType, String distro, String osInfo, String productName, String version, String arch,
                              Firmware firmware, String packageFormat, boolean virtioInstalled, boolean guestAgent) {}
