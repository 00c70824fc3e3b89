package io.hoist.plugin.ova.ovf;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Hoist reads from an OVF descriptor: files, disks, networks and the virtual systems.
 *
 * @param exportSource who exported it: {@code VMware}, {@code VirtualBox}, {@code oVirt} or {@code Unknown}
 */
public record OvfEnvelope(List<File> files, List<Disk> disks, List<Network> networks, List<VirtualSystem> systems,
                          String exportSource) {
    public OvfEnvelope {
        files = List.copyOf(files);
        disks = List.copyOf(disks);
        networks = List.copyOf(networks);
        systems = List.copyOf(systems);
    }

    /**
     * {@code References/File}: {@code size} is -1 when the descriptor does not say; {@code compression}
     * ({@code gzip}) and {@code chunkSize} are null unless the exporter compressed or split the file.
     */
    public record File(String id, String href, long size, String compression, String chunkSize) {}

    /** {@code DiskSection/Disk}: capacity in bytes; {@code fileRef} null for a blank disk. */
    public record Disk(String diskId, String fileRef, long capacityBytes, String capacityAllocationUnits,
                       String format, long populatedSize) {}

    public record Network(String name, String description) {}

    /** A disk attached to a VM: the DiskSection id, the item's name, its bus and unit. */
    public record AttachedDisk(String diskId, String name, String bus, int unit) {}

    public record Nic(String name, String mac, String network, String model) {}

    /**
     * One {@code VirtualSystem}.
     *
     * @param config every {@code vmw:Config} and {@code vmw:ExtraConfig} key/value (as published inventory)
     */
    public record VirtualSystem(String id, String name, String osType, String osDescription, String hardwareVersion,
                                int cpuCount, int coresPerSocket, long memoryBytes, String firmware,
                                boolean secureBoot, boolean cpuHotAddEnabled, boolean cpuHotRemoveEnabled,
                                boolean memoryHotAddEnabled, List<Integer> cpuAffinity,
                                List<AttachedDisk> disks, List<Nic> nics, Map<String, String> config) {
        public VirtualSystem {
            cpuAffinity = List.copyOf(cpuAffinity);
            disks = List.copyOf(disks);
            nics = List.copyOf(nics);
            config = Map.copyOf(config);
        }
    }

    public Optional<Disk> disk(String diskId) {
        return disks.stream().filter(d -> d.diskId().equals(diskId)).findFirst();
    }

    public Optional<File> file(String fileId) {
        return files.stream().filter(f -> f.id().equals(fileId)).findFirst();
    }
}
