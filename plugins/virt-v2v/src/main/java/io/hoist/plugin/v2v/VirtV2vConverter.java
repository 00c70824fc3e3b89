package io.hoist.plugin.v2v;

import io.hoist.api.HoistException;
import io.hoist.api.convert.ConversionListener;
import io.hoist.api.convert.ConversionRequest;
import io.hoist.api.convert.ConversionResult;
import io.hoist.api.convert.ConvertibleDisk;
import io.hoist.api.convert.GuestConverter;
import io.hoist.api.destination.DiskLocation;
import io.hoist.plugin.v2v.local.LocalConversion;
import io.hoist.plugin.v2v.pod.ConversionPod;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * virt-v2v as Hoist's guest converter. Disks in local files (the folder destination) are converted here
 * with virt-v2v-in-place; disks in a cluster's PVCs are converted by a conversion pod there, as MTV does.
 */
@Extension
public final class VirtV2vConverter implements GuestConverter {
    /**
     * Sources whose guests run on other hypervisors' hardware, as MTV's {@code Provider.RequiresConversion}: vSphere and
     * OVA (and Hyper-V, EC2). oVirt and OpenStack guests already run on KVM with virtio, so MTV copies their disks and
     * converts nothing; a KubeVirt source's guests are virtio too.
     */
    static final Set<String> SOURCES = Set.of("vsphere", "ova", "hyperv", "ec2");

    @Override
    public String name() {
        return "virt-v2v";
    }

    @Override
    public boolean accepts(String sourceProviderType, String osType) {
        return sourceProviderType != null && SOURCES.contains(sourceProviderType);
    }

    @Override
    public ConversionResult convert(ConversionRequest request, ConversionListener listener) throws Exception {
        List<DiskLocation> where = request.disks().stream().map(ConvertibleDisk::location).toList();
        if (where.isEmpty()) {
            throw new HoistException(HoistException.Type.USER_ERROR, "ConversionFailed", "the VM has no disks to convert");
        }
        if (where.stream().allMatch(l -> l instanceof DiskLocation.LocalFile)) {
            List<Path> images = where.stream().map(l -> ((DiskLocation.LocalFile) l).path()).toList();
            for (DiskLocation l : where) {
                String format = ((DiskLocation.LocalFile) l).format();
                if (format != null && !"raw".equals(format)) {
                    throw new HoistException(HoistException.Type.NOT_SUPPORTED, "ConversionFailed",
                            "virt-v2v conversion of " + format + " images is not supported here (raw only)");
                }
            }
            return new LocalConversion(environment()).convert(request, images, listener);
        }
        if (where.stream().allMatch(l -> l instanceof DiskLocation.ClusterVolume)) {
            return ConversionPod.run(request, listener);
        }
        throw new HoistException(HoistException.Type.NOT_SUPPORTED, "ConversionFailed",
                "a VM's disks must all be local files or all be cluster volumes to be converted together");
    }

    /**
     * libguestfs settings passed on from the platform's environment ({@code LIBGUESTFS_*}); the direct backend
     * needs no libvirt daemon.
     */
    static Map<String, String> environment() {
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("LIBGUESTFS_BACKEND", System.getenv().getOrDefault("LIBGUESTFS_BACKEND", "direct"));
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("LIBGUESTFS_")) {
                env.put(k, v);
            }
        });
        return env;
    }
}
