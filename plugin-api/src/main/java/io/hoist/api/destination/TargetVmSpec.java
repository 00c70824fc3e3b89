package io.hoist.api.destination;

import io.hoist.api.source.Firmware;
import java.util.List;
import java.util.Map;

/**
 * Everything a destination needs to create one VM, decided by the engine from the source VM,
 * the plan and its mappings. Destinations only render it.
 *
 * @param runStrategy        Always | Halted (from the source power state and targetPowerState)
 * @param preserveCpuModel   keep the source cluster's CPU model (preserveClusterCpuModel)
 * @param cpuModel           the CPU model to keep, or null
 * @param diskBus            virtio, or sata in compatibility mode
 * @param labels             labels linking plan, migration and source VM id
 * @param annotations        annotations, including the transferNetwork attachment for transfer pods
 * @param transferNetwork    {@code namespace/name} of the transfer network, or null
 */
public record TargetVmSpec(String namespace, String name, String sourceVmId, String sourceVmName,
                           int sockets, int cores, int threads, long memoryBytes,
                           Firmware firmware, boolean secureBoot, boolean preserveCpuModel, String cpuModel,
                           String diskBus, String runStrategy,
                           List<TargetDisk> disks, List<TargetNic> nics,
                           Map<String, String> labels, Map<String, String> annotations,
                           String transferNetwork) {
    public TargetVmSpec {
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
