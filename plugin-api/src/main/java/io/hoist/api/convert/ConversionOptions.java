package io.hoist.api.convert;

import java.util.Map;

/**
 * The plan's conversion settings, as MTV names them, plus the platform's.
 *
 * @param installLegacyDrivers   null: decide from the guest; true/false: force (Windows only)
 * @param virtioWin              path or URL of the virtio-win ISO/folder for Windows guests, or null when none is set
 * @param deletePodOnSuccess     deleteGuestConversionPod: remove the conversion pod after a successful conversion
 * @param image                  the virt-v2v container image for pod mode (plan virtV2vImage, else the controller setting)
 * @param nodeSelector           convertorNodeSelector
 * @param labels                 convertorLabels
 * @param affinityJson           convertorAffinity as JSON text (a Kubernetes Affinity), or null
 * @param tempStorageClass       conversionTempStorageClass: scratch PVC for the pod instead of node ephemeral storage
 */
public record ConversionOptions(Boolean installLegacyDrivers, String virtioWin, boolean deletePodOnSuccess, String image,
                                Map<String, String> nodeSelector, Map<String, String> labels, String affinityJson,
                                String tempStorageClass) {
    public ConversionOptions {
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
