package io.hoist.plugin.ova.inventory;

import io.hoist.plugin.ova.archive.OvaPackage;
import io.hoist.plugin.ova.ovf.OvfEnvelope;
import java.util.List;

/**
 * One VM found under the provider root: where it is, what its OVF says, and its disks resolved to files.
 *
 * @param exportSource who exported it (VMware, VirtualBox, oVirt, Unknown)
 * @param networks     the NetworkSection of its descriptor (names and descriptions)
 */
public record OvaVm(String id, OvaPackage pkg, OvfEnvelope.VirtualSystem system, String exportSource,
                    List<Disk> disks, List<OvfEnvelope.Network> networks) {
    public OvaVm {
        disks = List.copyOf(disks);
        networks = List.copyOf(networks);
    }

    /**
     * A disk of the VM.
     *
     * @param href     the file inside the package (null for a blank disk with no file)
     * @param fileSize bytes of that file in the package, -1 when missing
     * @param unsupported why Hoist cannot read the file (a gzip-compressed or chunked reference), or null
     */
    public record Disk(String id, String diskId, String name, String href, long capacity,
                       String capacityAllocationUnits, String format, long populatedSize, long fileSize,
                       String bus, int unit, String unsupported) {}

    public String name() {
        return system.name();
    }
}
