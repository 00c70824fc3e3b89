package io.hoist.plugin.v2v.guest;

import io.hoist.api.convert.GuestInspection;
import io.hoist.api.source.Firmware;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What virt-v2v found, read from its verbose output: the inspection block it prints ({@code i_distro = debian},
 * {@code i_osinfo = debian12}, {@code i_firmware = BIOS}, ...), the guest capabilities after conversion
 * ({@code gcaps_block_bus = virtio-blk}) and whether it scheduled the QEMU guest agent's installation.
 * The last line naming an error is kept as the reason when virt-v2v fails.
 */
public final class V2vFacts {
    private static final Pattern FACT = Pattern.compile("^(i_[a-z_]+|gcaps_[a-z_0-9]+) = (.*)$");
    private static final Pattern ERROR = Pattern.compile("^virt-v2v(?:-in-place|-inspector)?: error: (.*)$");

    private final Map<String, String> facts = new LinkedHashMap<>();
    private boolean guestAgentScheduled;
    private boolean applianceFailed;
    private String error;
    private final StringBuilder errorContinuation = new StringBuilder();
    private boolean inError;

    public synchronized void accept(String line) {
        if (inError) {
            // virt-v2v wraps its error message over the following lines, up to an empty one
            if (line.isBlank() || line.startsWith("If reporting bugs")) {
                inError = false;
            } else {
                errorContinuation.append(' ').append(line.trim());
                return;
            }
        }
        Matcher e = ERROR.matcher(line);
        if (e.matches()) {
            error = e.group(1).trim();
            errorContinuation.setLength(0);
            inError = true;
            return;
        }
        Matcher m = FACT.matcher(line);
        if (m.matches()) {
            facts.putIfAbsent(m.group(1), m.group(2).trim());
            return;
        }
        if (line.contains("install-qga")) {
            guestAgentScheduled = true;
        }
        if (applianceFailure(line)) {
            applianceFailed = true;
        }
    }

    /** virt-v2v's own error message, or null. */
    public synchronized String error() {
        return error == null ? null : (error + errorContinuation).trim();
    }

    /** True when virt-v2v found no operating system to convert. */
    public synchronized boolean noOperatingSystem() {
        String e = error();
        return e != null && (e.contains("no root device found") || e.contains("inspection could not detect")
                || e.contains("no operating systems") || e.contains("multiboot operating systems are not supported"));
    }

    /** libguestfs's appliance (a small VM) failed to start or died: the machine, not the guest, is at fault. */
    public synchronized boolean applianceFailed() {
        return applianceFailed;
    }

    /** The lines libguestfs prints when its appliance did not start or crashed. */
    public static boolean applianceFailure(String line) {
        return line.contains("guestfs_launch failed") || line.contains("appliance closed the connection unexpectedly");
    }

    public synchronized String fact(String key) {
        String v = facts.get(key);
        return v == null || v.isEmpty() || "unknown".equals(v) ? null : v;
    }

    public synchronized boolean inspected() {
        return fact("i_type") != null;
    }

    public synchronized GuestInspection inspection() {
        String major = fact("i_major_version");
        String minor = fact("i_minor_version");
        String version = major == null ? null : minor == null ? major : major + "." + minor;
        String fw = fact("i_firmware");
        Firmware firmware = fw != null && fw.toUpperCase(Locale.ROOT).startsWith("UEFI") ? Firmware.EFI : Firmware.BIOS;
        String block = fact("gcaps_block_bus");
        String net = fact("gcaps_net_bus");
        boolean virtio = block != null && block.toLowerCase(Locale.ROOT).contains("virtio")
                && net != null && net.toLowerCase(Locale.ROOT).contains("virtio");
        return new GuestInspection(fact("i_type"), fact("i_distro"), fact("i_osinfo"), fact("i_product_name"), version,
                fact("i_arch"), firmware, fact("i_package_format"), virtio, guestAgentScheduled);
    }
}
