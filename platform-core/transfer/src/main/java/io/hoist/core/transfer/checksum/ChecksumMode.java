package io.hoist.core.transfer.checksum;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Whether a copy checksums what it moves. {@link #SHA256_4M} (the default) hashes every data byte read and
 * compares the source's and the target's {@code sha256-4m:} checksums, failing the copy on a difference;
 * {@link #NONE} skips hashing (on a machine short of cores SHA-256 is most of a copy's CPU) and therefore never
 * claims a verified copy: the result carries no checksum, and {@code hoist verify} can check the target later.
 */
public enum ChecksumMode {
    SHA256_4M("sha256-4m"),
    NONE("none");

    private final String label;

    ChecksumMode(String label) {
        this.label = label;
    }

    /** The name users write: {@code sha256-4m} or {@code none}. */
    public String label() {
        return label;
    }

    public boolean verifies() {
        return this != NONE;
    }

    /**
     * Parses what a user wrote (CLI option, plan annotation, controller setting); {@code field} names where it came
     * from in the error.
     */
    public static ChecksumMode parse(String value, String field) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (ChecksumMode m : values()) {
            if (m.label.equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException(field + ": '" + value + "' is not a checksum choice (use one of "
                + Arrays.stream(values()).map(ChecksumMode::label).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return label;
    }
}
