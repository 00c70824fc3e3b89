package io.hoist.core.transfer.checksum;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Whether and how a copy checksums what it moves. {@link #SHA256_4M} (the default) hashes every data byte read and
 * compares the source's and the target's {@code sha256-4m:} checksums, failing the copy on a difference;
 * {@link #XXH128_4M} does the same with XXH3-128 per 4 MiB block (a non-cryptographic hash, ~20x cheaper: it
 * catches accidental corruption, not a party who can choose the bytes); {@link #NONE} skips hashing (on a machine
 * short of cores SHA-256 is most of a copy's CPU) and therefore never claims a verified copy: the result carries no
 * checksum, and {@code hoist verify} can check the target later.
 */
public enum ChecksumMode {
    SHA256_4M("sha256-4m"),
    XXH128_4M("xxh128-4m"),
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

    /** What a checksum of this kind starts with: {@code sha256-4m:} or {@code xxh128-4m:}. */
    public String prefix() {
        return label + ":";
    }

    /**
     * A block hasher for one worker. xxh128-4m runs on libxxhash when it is there, else on hash4j's pure-Java XXH3
     * (same digests, more CPU: bench/transfer/README.md round 9); {@code -Dhoist.transfer.xxh3=java} forces the
     * latter. {@link UnsupportedOperationException} for {@link #NONE}.
     */
    public BlockHasher newHasher() {
        return switch (this) {
            case SHA256_4M -> new Sha256BlockHasher();
            case XXH128_4M -> newXxh128Hasher(Xxh3Native.unavailableReason() == null
                    && !"java".equals(System.getProperty(XXH3_PROPERTY)));
            case NONE -> throw new UnsupportedOperationException("checksum none hashes nothing");
        };
    }

    /** {@code java}: xxh128-4m on hash4j even where libxxhash is there (for measuring and tests). */
    public static final String XXH3_PROPERTY = "hoist.transfer.xxh3";

    static BlockHasher newXxh128Hasher(boolean nativeLibrary) {
        return nativeLibrary ? new Xxh128BlockHasher() : new Xxh128JavaBlockHasher();
    }

    /** The mode whose checksums start with {@code checksum}'s prefix (e.g. a {@code --expect} value), or null. */
    public static ChecksumMode ofChecksum(String checksum) {
        for (ChecksumMode m : values()) {
            if (m.verifies() && checksum != null && checksum.startsWith(m.prefix())) {
                return m;
            }
        }
        return null;
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
