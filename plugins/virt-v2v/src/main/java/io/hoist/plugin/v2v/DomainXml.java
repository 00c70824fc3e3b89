package io.hoist.plugin.v2v;

import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.Firmware;
import java.util.List;

/**
 * The libvirt domain XML virt-v2v-in-place reads with {@code -i libvirtxml}: the VM's disks on the SCSI bus a
 * VMware guest had, and its NICs by MAC, so {@code --mac} options find them.
 */
public final class DomainXml {
    private DomainXml() {}

    /** One disk: a file (raw, or a qcow2 overlay) or a block device. */
    public record Disk(String path, String format, boolean block) {}

    public static String of(TargetVmSpec spec, List<Disk> disks) {
        StringBuilder b = new StringBuilder();
        b.append("<domain type='kvm'>\n");
        b.append("  <name>").append(escape(spec.name())).append("</name>\n");
        b.append("  <memory unit='KiB'>").append(Math.max(1024, spec.memoryBytes() / 1024)).append("</memory>\n");
        b.append("  <vcpu>").append(Math.max(1, spec.sockets() * spec.cores() * spec.threads())).append("</vcpu>\n");
        b.append("  <os").append(spec.firmware() == Firmware.EFI ? " firmware='efi'" : "").append("><type arch='x86_64'>hvm</type></os>\n");
        b.append("  <devices>\n");
        for (int i = 0; i < disks.size(); i++) {
            Disk d = disks.get(i);
            b.append("    <disk type='").append(d.block() ? "block" : "file").append("' device='disk'>\n");
            b.append("      <driver name='qemu' type='").append(escape(d.format())).append("'/>\n");
            b.append("      <source ").append(d.block() ? "dev" : "file").append("='").append(escape(d.path())).append("'/>\n");
            b.append("      <target dev='sd").append(driveLetters(i)).append("' bus='scsi'/>\n");
            b.append("    </disk>\n");
        }
        for (TargetNic nic : spec.nics()) {
            b.append("    <interface type='network'>\n");
            if (nic.mac() != null && !nic.mac().isEmpty()) {
                b.append("      <mac address='").append(escape(nic.mac().toLowerCase(java.util.Locale.ROOT))).append("'/>\n");
            }
            b.append("      <source network='").append(escape(nic.name())).append("'/>\n");
            b.append("    </interface>\n");
        }
        b.append("  </devices>\n</domain>\n");
        return b.toString();
    }

    /** a, b, ..., z, aa, ab, ... as Linux names SCSI disks. */
    static String driveLetters(int index) {
        StringBuilder s = new StringBuilder();
        int i = index;
        do {
            s.insert(0, (char) ('a' + i % 26));
            i = i / 26 - 1;
        } while (i >= 0);
        return s.toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;").replace("\"", "&quot;");
    }
}
