package io.hoist.api.source;

import java.util.List;

/**
 * What the engine needs to know about a source VM to build the target: a provider-neutral
 * description. The full provider-specific document stays in the inventory.
 *
 * @param hostId   id of the host it runs on (for per-host transfer limits); null for hostless sources
 * @param osType   guest OS identifier as the source names it (the key of the provider's OS map, e.g. vSphere's
 *                 {@code rhel9_64Guest})
 * @param cpuModel the CPU model the source runs the VM with (its own custom model, else its cluster's), which
 *                 the target keeps when the plan sets {@code preserveClusterCpuModel}; null when the source has none
 * @param identity what makes the machine itself recognisable to its guest (firmware ids, TPM, clock)
 * @param checks   what the source knows around the VM, for the plan's validations
 */
public record SourceVm(String id, String name, int sockets, int coresPerSocket, int threadsPerCore,
                       long memoryBytes, Firmware firmware, boolean secureBoot, PowerState powerState,
                       String hostId, String osType, List<SourceDisk> disks, List<SourceNic> nics, String cpuModel,
                       Identity identity, Checks checks) {
    public SourceVm {
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
        identity = identity == null ? Identity.UNKNOWN : identity;
        checks = checks == null ? Checks.UNKNOWN : checks;
    }

    /** A VM whose source names a CPU model but knows nothing of its identity or surroundings. */
    public SourceVm(String id, String name, int sockets, int coresPerSocket, int threadsPerCore,
                    long memoryBytes, Firmware firmware, boolean secureBoot, PowerState powerState,
                    String hostId, String osType, List<SourceDisk> disks, List<SourceNic> nics, String cpuModel) {
        this(id, name, sockets, coresPerSocket, threadsPerCore, memoryBytes, firmware, secureBoot, powerState,
                hostId, osType, disks, nics, cpuModel, Identity.UNKNOWN, Checks.UNKNOWN);
    }

    /** A VM whose source names no CPU model. */
    public SourceVm(String id, String name, int sockets, int coresPerSocket, int threadsPerCore,
                    long memoryBytes, Firmware firmware, boolean secureBoot, PowerState powerState,
                    String hostId, String osType, List<SourceDisk> disks, List<SourceNic> nics) {
        this(id, name, sockets, coresPerSocket, threadsPerCore, memoryBytes, firmware, secureBoot, powerState,
                hostId, osType, disks, nics, null);
    }

    /** This VM with another identity. */
    public SourceVm withIdentity(Identity identity) {
        return new SourceVm(id, name, sockets, coresPerSocket, threadsPerCore, memoryBytes, firmware, secureBoot,
                powerState, hostId, osType, disks, nics, cpuModel, identity, checks);
    }

    /** This VM with other surroundings. */
    public SourceVm withChecks(Checks checks) {
        return new SourceVm(id, name, sockets, coresPerSocket, threadsPerCore, memoryBytes, firmware, secureBoot,
                powerState, hostId, osType, disks, nics, cpuModel, identity, checks);
    }

    /**
     * What the guest sees of its machine and keeps seeing on the target: licences, cluster software and
     * BitLocker are bound to these. Null means the source does not know.
     *
     * @param uuid                 the firmware (SMBIOS) UUID, e.g. vSphere's {@code config.uuid}
     * @param serial               the firmware serial number the guest reads (vSphere: {@code VMware-42 2c ...})
     * @param tpm                  the VM has a virtual TPM, whose state the target must keep (a persistent TPM)
     * @param timezone             the time zone of the hardware clock (vSphere: the host's), e.g. {@code Europe/Paris}
     * @param nestedVirtualization hardware virtualization exposed to the guest (vSphere {@code nestedHVEnabled})
     */
    public record Identity(String uuid, String serial, boolean tpm, String timezone, Boolean nestedVirtualization) {
        public static final Identity UNKNOWN = new Identity(null, null, false, null, null);
    }

    /**
     * What the source knows around the VM that MTV's plan validations read. Null lists mean the source does not
     * report them, so the validation does not apply.
     *
     * @param hostInMaintenance    the VM's host is in maintenance mode (HostNotReady)
     * @param guestIpMacs          MACs of the NICs the guest tools report IP addresses for (VMMissingGuestIPs with
     *                             preserveStaticIPs); null when the source has no guest agent information
     * @param runningDiskSharers   names of the powered-on VMs (this one included) attached to any of its shared disks
     *                             (SharedDisks); null when the source cannot tell
     * @param hasSnapshots         the VM has snapshots of its own
     */
    public record Checks(boolean hostInMaintenance, List<String> guestIpMacs, List<String> runningDiskSharers,
                         boolean hasSnapshots) {
        public static final Checks UNKNOWN = new Checks(false, null, null, false);

        public Checks {
            guestIpMacs = guestIpMacs == null ? null : List.copyOf(guestIpMacs);
            runningDiskSharers = runningDiskSharers == null ? null : List.copyOf(runningDiskSharers);
        }
    }
}
