package io.hoist.api.source;

import java.util.List;

/**
 * What the engine needs to know about a source VM to build the target: a provider-neutral
 * description. The full provider-specific document stays in the inventory.
 *
 * @param hostId   id of the host it runs on (for per-host transfer limits); null for hostless sources
 * @param osType   guest OS identifier as the source names it
 * @param cpuModel the CPU model the source runs the VM with (its own custom model, else its cluster's), which
 *                 the target keeps when the plan sets {@code preserveClusterCpuModel}; null when the source has none
 */
public record SourceVm(String id, String name, int sockets, int coresPerSocket, int threadsPerCore,
                       long memoryBytes, Firmware firmware, boolean secureBoot, PowerState powerState,
                       String hostId, String osType, List<SourceDisk> disks, List<SourceNic> nics, String cpuModel) {
    public SourceVm {
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
    }

    /** A VM whose source names no CPU model. */
    public SourceVm(String id, String name, int sockets, int coresPerSocket, int threadsPerCore,
                    long memoryBytes, Firmware firmware, boolean secureBoot, PowerState powerState,
                    String hostId, String osType, List<SourceDisk> disks, List<SourceNic> nics) {
        this(id, name, sockets, coresPerSocket, threadsPerCore, memoryBytes, firmware, secureBoot, powerState,
                hostId, osType, disks, nics, null);
    }
}
