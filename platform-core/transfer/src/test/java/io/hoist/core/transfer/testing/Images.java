package io.hoist.core.transfer.testing;

import io.hoist.core.transfer.checksum.DiskChecksum;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/** Test images and an independent, deliberately naive reference of the project checksum. */
public final class Images {
    private Images() {}

    /**
     * A raw image of {@code size} bytes made with qemu-img (sparse), then random data written into every
     * {@code period}-th MiB (the others stay holes) and a few odd-sized runs to cross block edges.
     */
    public static Path mixed(Path dir, String name, long size, int period, long seed) throws IOException, InterruptedException {
        Path img = dir.resolve(name);
        run("qemu-img", "create", "-q", "-f", "raw", img.toString(), Long.toString(size));
        Random r = new Random(seed);
        byte[] mib = new byte[1 << 20];
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(size); // qemu-img rounds sizes up to 512 bytes; tests want odd sizes too
            for (long off = 0; off < size; off += mib.length) {
                if ((off >> 20) % period == 0) {
                    r.nextBytes(mib);
                    f.seek(off);
                    f.write(mib, 0, (int) Math.min(mib.length, size - off));
                }
            }
            byte[] odd = new byte[12345];
            r.nextBytes(odd);
            long at = Math.max(0, Math.min(size - odd.length, DiskChecksum.BLOCK_SIZE - 5000));
            f.seek(at);
            f.write(odd);
        }
        return img;
    }

    /** SHA-256 per 4 MiB block read with plain java.io, then SHA-256 over the digests: no code shared with main. */
    public static String referenceChecksum(Path img) throws Exception {
        return "sha256-4m:" + HexFormat.of().formatHex(sha256(perBlockDigests(img, Images::sha256)));
    }

    /**
     * {@code xxh128-4m:} of a file, the naive way, with hash4j's pure-Java XXH3-128 (independent of the libxxhash
     * calls under test): each 4 MiB block's canonical digest (high 64 bits, then low, big-endian), concatenated,
     * hashed again.
     */
    public static String referenceXxh128Checksum(Path img) throws Exception {
        return "xxh128-4m:" + HexFormat.of().formatHex(xxh128(perBlockDigests(img, Images::xxh128)));
    }

    /** {@code digest} of each 4 MiB block of {@code img} (the last as long as it is), concatenated. */
    private static byte[] perBlockDigests(Path img, java.util.function.UnaryOperator<byte[]> digest) throws IOException {
        var all = new java.io.ByteArrayOutputStream();
        byte[] block = new byte[4 * 1024 * 1024];
        try (var in = Files.newInputStream(img)) {
            int n;
            while ((n = in.readNBytes(block, 0, block.length)) > 0) {
                all.write(digest.apply(java.util.Arrays.copyOf(block, n)));
            }
        }
        return all.toByteArray();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** XXH3-128 (seed 0) of {@code bytes} in canonical form, by hash4j. */
    public static byte[] xxh128(byte[] bytes) {
        var h = com.dynatrace.hash4j.hashing.Hashing.xxh3_128().hashBytesTo128Bits(bytes);
        return java.nio.ByteBuffer.allocate(16).putLong(h.getMostSignificantBits()).putLong(h.getLeastSignificantBits()).array();
    }

    /** Blocks (512 bytes) the file system really allocated for {@code img}. */
    public static long allocatedBytes(Path img) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("stat", "-c", "%b", img.toString()).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        return Long.parseLong(out) * 512;
    }

    public static boolean sameContent(Path a, Path b) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("cmp", "-s", a.toString(), b.toString()).start();
        return p.waitFor() == 0;
    }

    public static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    public static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static boolean allZero(byte[] b) {
        byte[] zeros = new byte[b.length];
        return Arrays.equals(b, zeros);
    }
}
