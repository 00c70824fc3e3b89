package io.hoist.api.source;

import java.util.List;

/**
 * A disk the source hands over instead of copying its bytes: a volume on storage both sides reach (a direct LUN on a
 * SAN). The engine copies nothing for it; the destination attaches the same volume to the target VM, and once that VM
 * exists the source detaches it from the source VM ({@link DetachesDisks}), never deleting it.
 *
 * @param protocol     how the destination's nodes reach the volume
 * @param volumeId     the volume's own id on the storage (the LUN id, for FC its WWID)
 * @param size         size in bytes
 * @param readOnly     the source attaches it read-only
 * @param targetPortal iSCSI: {@code address:port} of the target portal; null for FC
 * @param iqn          iSCSI: the target's qualified name; null for FC
 * @param lun          iSCSI: the LUN number behind the target (oVirt's lun_mapping); 0 for FC
 * @param wwids        FC: the world wide identifiers of the volume; empty for iSCSI
 */
public record ExternalVolume(Protocol protocol, String volumeId, long size, boolean readOnly,
                             String targetPortal, String iqn, int lun, List<String> wwids) {
    public enum Protocol { ISCSI, FC }

    public ExternalVolume {
        if (protocol == null) {
            throw new IllegalArgumentException("external volume " + volumeId + ": protocol is required");
        }
        wwids = wwids == null ? List.of() : List.copyOf(wwids);
        if (protocol == Protocol.ISCSI && (blank(targetPortal) || blank(iqn))) {
            throw new IllegalArgumentException("iSCSI volume " + volumeId + ": targetPortal and iqn are required");
        }
        if (protocol == Protocol.FC && wwids.isEmpty()) {
            throw new IllegalArgumentException("FC volume " + volumeId + ": at least one WWID is required");
        }
    }

    public static ExternalVolume iscsi(String volumeId, long size, boolean readOnly, String targetPortal, String iqn, int lun) {
        return new ExternalVolume(Protocol.ISCSI, volumeId, size, readOnly, targetPortal, iqn, lun, List.of());
    }

    public static ExternalVolume fc(String volumeId, long size, boolean readOnly, List<String> wwids) {
        return new ExternalVolume(Protocol.FC, volumeId, size, readOnly, null, null, 0, wwids);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
