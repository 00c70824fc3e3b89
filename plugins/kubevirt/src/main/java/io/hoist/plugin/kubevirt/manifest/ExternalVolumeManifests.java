package io.hoist.plugin.kubevirt.manifest;

import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.ExternalVolume;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A disk handed over as an {@link ExternalVolume} (a direct LUN), as forklift builds it for oVirt LUNs: a
 * PersistentVolume with an {@code iscsi} or {@code fc} source (Block, ReadWriteMany, reclaim policy Retain so deleting
 * it never touches the LUN, no storage class so no provisioner claims it) and a claim bound to it by name. Both carry
 * the plan's labels plus the source VM and disk, which is how a re-run adopts them and cleanup finds them.
 */
public final class ExternalVolumeManifests {
    private ExternalVolumeManifests() {}

    /** The claim's name: the rendered PVC name (a generateName prefix gets a stable suffix, as the folder does). */
    public static String claimName(TargetVmSpec spec, TargetDisk disk) {
        return ManifestBuilder.stableGeneratedName(spec, disk);
    }

    /** The volume's name: cluster-wide, so it names the namespace, VM and disk through a hash. */
    public static String volumeName(TargetVmSpec spec, TargetDisk disk) {
        String base = claimName(spec, disk);
        base = base.length() > 40 ? base.substring(0, 40).replaceAll("-+$", "") : base;
        return base + "-lun-" + Labels.shortHash(spec.namespace() + "/" + spec.sourceVmId() + "/" + disk.sourceDiskId(), 10);
    }

    public static Map<String, Object> persistentVolume(TargetVmSpec spec, TargetDisk disk) {
        ExternalVolume v = require(disk);
        Map<String, Object> pvSpec = new LinkedHashMap<>();
        pvSpec.put("capacity", Map.of("storage", Quantities.bytes(size(disk))));
        pvSpec.put("accessModes", List.of("ReadWriteMany"));
        pvSpec.put("volumeMode", "Block");
        pvSpec.put("persistentVolumeReclaimPolicy", "Retain");
        pvSpec.put("storageClassName", "");
        pvSpec.put("claimRef", ManifestBuilder.map("namespace", spec.namespace(), "name", claimName(spec, disk)));
        switch (v.protocol()) {
            case ISCSI -> pvSpec.put("iscsi", ManifestBuilder.map("targetPortal", v.targetPortal(), "iqn", v.iqn(), "lun", v.lun(),
                    "readOnly", v.readOnly()));
            case FC -> pvSpec.put("fc", ManifestBuilder.map("wwids", v.wwids(), "readOnly", v.readOnly()));
        }
        Map<String, Object> metadata = metadata(spec, disk, volumeName(spec, disk), null);
        return ManifestBuilder.object("v1", "PersistentVolume", metadata, pvSpec);
    }

    public static Map<String, Object> claim(TargetVmSpec spec, TargetDisk disk) {
        require(disk);
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("accessModes", List.of("ReadWriteMany"));
        claim.put("volumeMode", "Block");
        claim.put("storageClassName", "");
        claim.put("volumeName", volumeName(spec, disk));
        claim.put("resources", Map.of("requests", Map.of("storage", Quantities.bytes(size(disk)))));
        return ManifestBuilder.object("v1", "PersistentVolumeClaim", metadata(spec, disk, claimName(spec, disk), spec.namespace()), claim);
    }

    private static long size(TargetDisk disk) {
        long size = disk.externalVolume().size();
        return size > 0 ? size : disk.capacity();
    }

    private static ExternalVolume require(TargetDisk disk) {
        if (disk.externalVolume() == null) {
            throw new IllegalArgumentException("disk " + disk.sourceDiskId() + " is not an external volume");
        }
        return disk.externalVolume();
    }

    private static Map<String, Object> metadata(TargetVmSpec spec, TargetDisk disk, String name, String namespace) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        Map<String, Object> labels = new LinkedHashMap<>(new TreeMap<>(spec.labels()));
        labels.put(Labels.SOURCE_VM, Labels.value(spec.sourceVmId()));
        labels.put(Labels.SOURCE_DISK, Labels.value(disk.sourceDiskId()));
        metadata.put("labels", labels);
        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put(Labels.SOURCE_VM_ANNOTATION, spec.sourceVmId());
        annotations.put(Labels.SOURCE_DISK_ANNOTATION, disk.sourceDiskId());
        annotations.put(Labels.EXTERNAL_VOLUME_ANNOTATION, disk.externalVolume().volumeId());
        metadata.put("annotations", annotations);
        return metadata;
    }
}
