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
 * @param labels             labels on the VM object, linking plan, migration and source VM id
 * @param annotations        annotations, including the transferNetwork attachment for transfer pods
 * @param transferNetwork    {@code namespace/name} of the transfer network, or null
 * @param placement          where the VM's pods may run and the labels they carry
 * @param identity           what the guest recognises its machine by
 * @param flavor             instance type, preference and OS of the target
 */
public record TargetVmSpec(String namespace, String name, String sourceVmId, String sourceVmName,
                           int sockets, int cores, int threads, long memoryBytes,
                           Firmware firmware, boolean secureBoot, boolean preserveCpuModel, String cpuModel,
                           String diskBus, String runStrategy,
                           List<TargetDisk> disks, List<TargetNic> nics,
                           Map<String, String> labels, Map<String, String> annotations,
                           String transferNetwork, Placement placement, Identity identity, Flavor flavor) {
    public TargetVmSpec {
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        placement = placement == null ? Placement.NONE : placement;
        identity = identity == null ? Identity.NONE : identity;
        flavor = flavor == null ? Flavor.NONE : flavor;
    }

    /** A spec without placement, identity or flavor. */
    public TargetVmSpec(String namespace, String name, String sourceVmId, String sourceVmName,
                        int sockets, int cores, int threads, long memoryBytes,
                        Firmware firmware, boolean secureBoot, boolean preserveCpuModel, String cpuModel,
                        String diskBus, String runStrategy,
                        List<TargetDisk> disks, List<TargetNic> nics,
                        Map<String, String> labels, Map<String, String> annotations, String transferNetwork) {
        this(namespace, name, sourceVmId, sourceVmName, sockets, cores, threads, memoryBytes, firmware, secureBoot,
                preserveCpuModel, cpuModel, diskBus, runStrategy, disks, nics, labels, annotations, transferNetwork,
                Placement.NONE, Identity.NONE, Flavor.NONE);
    }

    /** This spec under another name (a target name that collided got a suffix). */
    public TargetVmSpec withName(String newName) {
        return new TargetVmSpec(namespace, newName, sourceVmId, sourceVmName, sockets, cores, threads, memoryBytes,
                firmware, secureBoot, preserveCpuModel, cpuModel, diskBus, runStrategy, disks, nics, labels, annotations,
                transferNetwork, placement, identity, flavor);
    }

    /**
     * Scheduling of the VM's pods (the plan's targetNodeSelector, targetAffinity and targetLabels).
     *
     * @param nodeSelector   node labels the VM's pod must match
     * @param affinity       a Kubernetes {@code Affinity} object as plain maps/lists, or null
     * @param templateLabels labels of the VM's pods (the VM template), e.g. for the affinity's own selectors
     */
    public record Placement(Map<String, String> nodeSelector, Map<String, Object> affinity, Map<String, String> templateLabels) {
        public static final Placement NONE = new Placement(Map.of(), null, Map.of());

        public Placement {
            nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
            templateLabels = templateLabels == null ? Map.of() : Map.copyOf(templateLabels);
        }
    }

    /**
     * The machine identity the guest sees; null fields are not set (the destination's defaults apply).
     *
     * @param firmwareSerial       SMBIOS serial number
     * @param firmwareUuid         SMBIOS UUID
     * @param tpm                  true: a persistent vTPM (its state survives restarts); null: none asked (a preference may add one)
     * @param timezone             the clock's time zone, e.g. {@code Europe/Paris}
     * @param tabletBus            a tablet input device on this bus ({@code virtio} or {@code usb}); null: none
     * @param nestedVirtualization true: expose vmx/svm when the node has them; false: hide them; null: not said
     */
    public record Identity(String firmwareSerial, String firmwareUuid, Boolean tpm, String timezone, String tabletBus,
                           Boolean nestedVirtualization) {
        public static final Identity NONE = new Identity(null, null, null, null, null, null);
    }

    /**
     * What kind of machine the target is, beyond its CPU and memory.
     *
     * @param instanceType a KubeVirt instance type name (vms[].instanceType): it then sets CPU and memory
     * @param preference   a KubeVirt preference name (from the OS map), or null
     * @param os           the OS name the preference came from, e.g. {@code rhel.9}, or null
     */
    public record Flavor(String instanceType, String preference, String os) {
        public static final Flavor NONE = new Flavor(null, null, null);
    }
}
