package io.hoist.plugin.kubevirt.manifest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The labels Hoist puts on what it creates, so a re-run after a crash finds and adopts them. */
public final class Labels {
    /** Source VM id on every object created for a VM (the engine's labels may carry it too). */
    public static final String SOURCE_VM = "hoist.io/source-vm";
    /** Source disk id on each disk object (DataVolume/PVC), to find it again when its name was generated. */
    public static final String SOURCE_DISK = "hoist.io/source-disk";
    /**
     * On the disk object of a disk several source VMs share: a hash of the engine's share id, so every VM attached
     * to it (in this plan or a later one) finds the one copy.
     */
    public static final String SHARED_DISK = "hoist.io/shared-disk";
    /** On objects that exist only during a transfer (e.g. a source VirtualMachineExport); always cleaned up. */
    public static final String TEMPORARY = "hoist.io/temporary";
    /** The full, unsanitized ids, since label values are limited to 63 characters of [A-Za-z0-9-_.]. */
    public static final String SOURCE_VM_ANNOTATION = "hoist.io/source-vm-id";
    public static final String SOURCE_DISK_ANNOTATION = "hoist.io/source-disk-id";
    /** On the PV and claim of an external volume (direct LUN): the volume's id on the storage (LUN id / WWID). */
    public static final String EXTERNAL_VOLUME_ANNOTATION = "hoist.io/external-volume-id";
    /**
     * Set by the engine on a TargetVmSpec (annotations) when the source is a KubeVirt provider: that
     * provider's uid, so a destination can read the source VM object from the inventory and keep its spec.
     */
    public static final String SOURCE_PROVIDER_ANNOTATION = "hoist.io/source-provider-uid";
    /** Multus annotation CDI copies from a DataVolume onto its importer/upload pod (the transfer network). */
    public static final String MULTUS_NETWORKS = "k8s.v1.cni.cncf.io/networks";

    private static final Pattern VALID_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");

    private Labels() {}

    /** A valid label value for any id: the id itself when valid, else a stable hash of it. */
    public static String value(String id) {
        if (id != null && id.length() <= 63 && VALID_VALUE.matcher(id).matches()) {
            return id;
        }
        return "h-" + shortHash(String.valueOf(id), 20);
    }

    /** First {@code hexChars} hex digits of SHA-256: stable across runs, for names and label values. */
    public static String shortHash(String text, int hexChars) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, hexChars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
