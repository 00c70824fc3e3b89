package io.hoist.plugin.vsphere;

import java.util.Locale;
import java.util.Map;

/**
 * The CPU model a target VM gets from its vSphere cluster (preserveClusterCpuModel): the cluster's Enhanced vMotion
 * Compatibility mode ({@code summary.currentEVCModeKey}) names the CPU generation every host of the cluster presents
 * to its VMs, which is the baseline a guest migrated from there may rely on. Each mode maps to the QEMU/libvirt model
 * of that generation that KubeVirt schedules; where QEMU's model enables TSX, which EVC baselines leave to the host
 * and many hosts have disabled, the {@code -noTSX} variant is taken. A cluster without EVC exposes each host's own
 * CPU, so there is no cluster model to keep.
 */
final class EvcCpuModels {
    private static final Map<String, String> BY_EVC_MODE = Map.ofEntries(
            Map.entry("intel-merom", "Conroe"),
            Map.entry("intel-penryn", "Penryn"),
            Map.entry("intel-nehalem", "Nehalem"),
            Map.entry("intel-westmere", "Westmere"),
            Map.entry("intel-sandybridge", "SandyBridge"),
            Map.entry("intel-ivybridge", "IvyBridge"),
            Map.entry("intel-haswell", "Haswell-noTSX"),
            Map.entry("intel-broadwell", "Broadwell-noTSX"),
            Map.entry("intel-skylake", "Skylake-Server-noTSX-IBRS"),
            Map.entry("intel-cascadelake", "Cascadelake-Server-noTSX"),
            Map.entry("intel-icelake", "Icelake-Server-noTSX"),
            Map.entry("intel-sapphirerapids", "SapphireRapids"),
            Map.entry("amd-rev-e", "Opteron_G1"),
            Map.entry("amd-rev-f", "Opteron_G2"),
            Map.entry("amd-greyhound-no3dnow", "Opteron_G3"),
            Map.entry("amd-greyhound", "Opteron_G3"),
            Map.entry("amd-bulldozer", "Opteron_G4"),
            Map.entry("amd-piledriver", "Opteron_G5"),
            Map.entry("amd-steamroller", "Opteron_G5"), // QEMU has no Steamroller model: the newest it is a superset of
            Map.entry("amd-zen", "EPYC"),
            Map.entry("amd-zen2", "EPYC-Rome"),
            Map.entry("amd-zen3", "EPYC-Milan"),
            Map.entry("amd-zen4", "EPYC-Genoa"));

    private EvcCpuModels() {}

    /** The model of an EVC mode key, or null when there is none (no EVC) or it is unknown to this plugin. */
    static String ofEvcMode(String evcModeKey) {
        return evcModeKey == null ? null : BY_EVC_MODE.get(evcModeKey.trim().toLowerCase(Locale.ROOT));
    }
}
