package io.hoist.api.source;

import java.util.List;

/**
 * What the engine needs to know about a source VM to build the target: a provider-neutral
 * description. The full provider-specific document stays in the inventory.
 *
 * @param hostId   id of the host it runs on (for per-host transfer limits); null for hostless sources
 * @param osType   guest OS identifier as the source names it
 */
public record SourceVm(String id, String name, int sockets, int coresPerSocket, int threadsPerCore,
                       long memoryBytes, Firmware firmware, boolean secureBoot, PowerState powerState,
                       String hostId, String osType, List<SourceDisk> disks, List<SourceNic> nics) {
    public SourceVm {
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
    }
}
