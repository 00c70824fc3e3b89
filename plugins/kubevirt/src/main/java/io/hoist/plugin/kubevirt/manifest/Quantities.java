package io.hoist.plugin.kubevirt.manifest;

/** Kubernetes resource quantities and disk sizes. */
public final class Quantities {
    public static final long MI = 1024L * 1024L;

    private Quantities() {}

    /** Binary-suffixed quantity when exact (readable manifests), otherwise plain bytes. */
    public static String bytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("size must be >= 0: " + bytes);
        }
        String[] suffixes = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
        for (int i = 0; i < suffixes.length; i++) {
            long unit = 1L << (10 * (6 - i));
            if (bytes != 0 && bytes % unit == 0) {
                return (bytes / unit) + suffixes[i];
            }
        }
        return Long.toString(bytes);
    }

    /**
     * Requested storage for a disk of {@code capacity} bytes with a filesystem overhead fraction
     * (0.10 = 10%) added, rounded up to whole MiB so the image always fits.
     * From CDI: usable space = requested * (1 - overhead), so the request is capacity / (1 - overhead).
     */
    public static long withOverhead(long capacity, double overhead) {
        if (overhead < 0 || overhead >= 1) {
            throw new IllegalArgumentException("filesystem overhead must be in [0, 1): " + overhead);
        }
        double needed = capacity / (1.0 - overhead);
        long rounded = (long) Math.ceil(needed);
        return roundUpToMi(rounded);
    }

    /** Bytes of a Kubernetes quantity ({@code 1Gi}, {@code 500M}, {@code 1048576}). */
    public static long parse(String quantity) {
        try {
            return io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
                    io.fabric8.kubernetes.api.model.Quantity.parse(quantity)).longValueExact();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + quantity + "' is not a quantity", e);
        }
    }

    public static long roundUpToMi(long bytes) {
        return ((bytes + MI - 1) / MI) * MI;
    }
}
