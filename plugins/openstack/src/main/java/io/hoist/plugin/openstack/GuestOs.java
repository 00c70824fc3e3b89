package io.hoist.plugin.openstack;

import java.util.Locale;
import java.util.Map;

/**
 * The guest OS id of a server, from its image's {@code os_distro} and {@code os_version} as MTV's OpenStack builder
 * names the KubeVirt preference ({@code rhel.9}, {@code centos.stream9}, {@code windows.2k19.virtio}, {@code fedora}),
 * and the default OS map that turns those ids into preferences. Unlike MTV, versions keep only their major
 * number for RHEL and CentOS Stream ({@code rhel} {@code 9.2} → {@code rhel.9}): KubeVirt has a preference per
 * major release only.
 */
public final class GuestOs {
    /**
     * Guest OS id → KubeVirt preference (kubevirt/common-instancetypes): MTV's names are the preferences' own, but
     * for {@code opensuse}, which no common preference has.
     */
    private static final Map<String, String> OS_MAP = Map.ofEntries(
            Map.entry("rhel.7", "rhel.7"), Map.entry("rhel.8", "rhel.8"), Map.entry("rhel.9", "rhel.9"),
            Map.entry("rhel.10", "rhel.10"), Map.entry("centos.stream8", "centos.stream8"),
            Map.entry("centos.stream9", "centos.stream9"), Map.entry("centos.stream10", "centos.stream10"),
            Map.entry("fedora", "fedora"), Map.entry("ubuntu", "ubuntu"), Map.entry("opensuse", "opensuse.leap"),
            Map.entry("windows.10.virtio", "windows.10.virtio"), Map.entry("windows.11.virtio", "windows.11.virtio"),
            Map.entry("windows.2k12.virtio", "windows.2k12.virtio"), Map.entry("windows.2k16.virtio", "windows.2k16.virtio"),
            Map.entry("windows.2k19.virtio", "windows.2k19.virtio"), Map.entry("windows.2k22.virtio", "windows.2k22.virtio"));

    private GuestOs() {}

    /** The OS id, or null when the image names no distribution Hoist knows (MTV's "unknown"). */
    public static String id(String distro, String version) {
        String os = family(distro);
        if (os == null) {
            return null;
        }
        String v = version == null ? "" : version.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            return os;
        }
        String major = v.split("[.\\-_ ]")[0];
        return switch (os) {
            case "rhel" -> "rhel." + major;
            case "centos" -> major.equals("8") || major.equals("9") || major.equals("10") ? "centos.stream" + major : os;
            case "windows" -> windows(v);
            default -> os;
        };
    }

    /** Guest OS id → KubeVirt preference; an id without an entry gets no preference (the plan says OsNotMapped). */
    public static Map<String, String> osMap() {
        return OS_MAP;
    }

    private static String family(String distro) {
        if (distro == null) {
            return null;
        }
        return switch (distro.trim().toLowerCase(Locale.ROOT)) {
            case "rhel", "centos", "fedora", "ubuntu", "opensuse", "windows" -> distro.trim().toLowerCase(Locale.ROOT);
            case "sled" -> "opensuse";
            case "msdos" -> "windows";
            default -> null; // arch, debian, gentoo, the BSDs...: MTV knows no preference for them either
        };
    }

    private static String windows(String v) {
        for (String year : new String[] {"12", "16", "19", "22"}) {
            if (v.contains("2k" + year) || v.contains("20" + year)) {
                return "windows.2k" + year + ".virtio";
            }
        }
        if (v.startsWith("11")) {
            return "windows.11.virtio";
        }
        return "windows.10.virtio"; // MTV's choice for 10 and anything it does not recognise
    }
}
