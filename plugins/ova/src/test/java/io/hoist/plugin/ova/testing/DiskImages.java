package io.hoist.plugin.ova.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/** Raw test images: random data with zero runs (whole 64 KiB blocks and half blocks) and text-like runs. */
public final class DiskImages {
    public static final int BLOCK = 64 * 1024;

    private DiskImages() {}

    /**
     * Block {@code i} of every image is all zeros when this holds: every fourth block, a 1 MiB run, and a run
     * longer than one grain table (512 grains) so a whole table can be absent.
     */
    public static boolean zeroBlock(long i) {
        return i % 4 == 1 || (i >= 8 && i < 24) || (i >= 512 && i < 1100);
    }

    /** Writes {@code size} bytes: random data, zero blocks per {@link #zeroBlock}, half-zero and compressible blocks. */
    public static Path raw(Path file, long size, long seed) throws IOException {
        Random rnd = new Random(seed);
        byte[] block = new byte[BLOCK];
        try (var out = Files.newOutputStream(file)) {
            for (long i = 0, pos = 0; pos < size; i++, pos += BLOCK) {
                if (zeroBlock(i)) {
                    java.util.Arrays.fill(block, (byte) 0);
                } else if (i % 4 == 2) {
                    rnd.nextBytes(block);
                    java.util.Arrays.fill(block, BLOCK / 2, BLOCK, (byte) 0);
                } else if (i % 4 == 3) {
                    byte[] text = ("block " + i + " of a compressible run; ").getBytes();
                    for (int k = 0; k < BLOCK; k++) {
                        block[k] = text[k % text.length];
                    }
                } else {
                    rnd.nextBytes(block);
                }
                out.write(block, 0, (int) Math.min(BLOCK, size - pos));
            }
        }
        return file;
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = new byte[1 << 20];
            for (int n; (n = in.read(b)) > 0; ) {
                md.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** SHA-256 of everything a reader yields, read front to back with {@code bufferSize} reads. */
    public static String sha256(io.hoist.api.transfer.DiskReader reader, int bufferSize) throws IOException {
        MessageDigest md = sha();
        ByteBuffer b = ByteBuffer.allocate(bufferSize);
        long size = reader.size();
        long pos = 0;
        while (pos < size) {
            b.clear();
            int n = reader.read(pos, b);
            if (n <= 0) {
                throw new IOException("reader returned " + n + " at " + pos + " of " + size);
            }
            md.update(b.array(), 0, n);
            pos += n;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
