package io.hoist.plugin.ova.inventory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Name-based UUIDs (RFC 4122 version 5, SHA-1) in a Hoist OVA namespace, so a re-scan, a restart or a
 * second Hoist gives the same ids for the same files: plans and maps keep pointing at the right objects.
 */
public final class StableIds {
    /** The namespace of every OVA id (itself a v5 UUID of "hoist.io/ova" in the URL namespace). */
    static final UUID NAMESPACE = v5(UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "hoist.io/ova");

    private StableIds() {}

    /** A VM: its package's path relative to the provider root plus the OVF VirtualSystem id. */
    public static String vm(String relativePath, String virtualSystemId) {
        return v5(NAMESPACE, "vm\0" + relativePath + "\0" + virtualSystemId).toString();
    }

    /** A disk of a VM: the VM id plus the OVF diskId. */
    public static String disk(String vmId, String diskId) {
        return v5(NAMESPACE, "disk\0" + vmId + "\0" + diskId).toString();
    }

    /**
     * A network, by name: the same name in several OVAs is one network, mapped once. Computed as MTV's OVA
     * provider server does (SHA-256 of the Go gob encoding of the name, first 36 hex digits), so the network
     * ids in NetworkMaps written for MTV keep working.
     */
    public static String network(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        gobUint(body, 12); // gob type id of string (6), as a signed int: 6 << 1
        gobUint(body, 0); // a single, non-struct value follows
        gobUint(body, utf8.length);
        body.writeBytes(utf8);
        java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
        gobUint(message, body.size());
        message.writeBytes(body.toByteArray());
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present in the JDK", e);
        }
        return java.util.HexFormat.of().formatHex(sha256.digest(message.toByteArray())).substring(0, 36);
    }

    /** gob's unsigned integer: one byte below 128, else the negated byte count then big-endian bytes. */
    private static void gobUint(java.io.ByteArrayOutputStream out, long v) {
        if (v < 128) {
            out.write((int) v);
            return;
        }
        int n = (64 - Long.numberOfLeadingZeros(v) + 7) / 8;
        out.write(-n & 0xff);
        for (int i = n - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    /** Whether an OVF VirtualSystem id is a UUID (MTV then uses it as the VM id). */
    public static boolean isUuid(String s) {
        if (s == null || s.length() != 36) {
            return false;
        }
        try {
            UUID.fromString(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static UUID v5(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is always present in the JDK", e);
        }
        sha1.update(toBytes(namespace));
        byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        h[6] = (byte) ((h[6] & 0x0f) | 0x50);
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (h[i] & 0xff);
            lsb = (lsb << 8) | (h[i + 8] & 0xff);
        }
        return new UUID(msb, lsb);
    }

    private static byte[] toBytes(UUID u) {
        byte[] b = new byte[16];
        long msb = u.getMostSignificantBits();
        long lsb = u.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (msb >>> (56 - 8 * i));
            b[i + 8] = (byte) (lsb >>> (56 - 8 * i));
        }
        return b;
    }
}
