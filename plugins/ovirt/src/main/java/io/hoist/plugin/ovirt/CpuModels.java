package io.hoist.plugin.ovirt;

/**
 * The CPU model a target VM gets from its oVirt source. oVirt names a cluster's CPU by its family ("Intel Westmere
 * Family"); the libvirt model that KubeVirt takes ("Westmere") is the family's "verb" in the engine's
 * {@code ServerCPUList} option for the cluster's level: entries {@code level:name:flags:verb:architecture;}, the verb
 * possibly followed by CPU flags ({@code Skylake-Server,+spec-ctrl,+ssbd}). A VM's custom CPU model is a libvirt
 * model, possibly with flags, too.
 */
final class CpuModels {
    private CpuModels() {}

    /** The model of a libvirt CPU string without its flags ({@code Westmere,+vmx} gives {@code Westmere}); null if blank. */
    static String modelOf(String libvirtCpu) {
        if (libvirtCpu == null) {
            return null;
        }
        String model = libvirtCpu.split(",", 2)[0].trim();
        return model.isEmpty() ? null : model;
    }

    /** The libvirt model of the CPU family {@code familyName} in a ServerCPUList value, or null if it is not there. */
    static String ofFamily(String serverCpuList, String familyName) {
        if (serverCpuList == null || familyName == null) {
            return null;
        }
        for (String entry : serverCpuList.split(";")) {
            String[] f = entry.trim().split(":");
            if (f.length >= 4 && f[1].trim().equals(familyName.trim())) {
                return modelOf(f[3]);
            }
        }
        return null;
    }
}
