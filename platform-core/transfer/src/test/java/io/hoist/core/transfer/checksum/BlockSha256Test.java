package io.hoist.core.transfer.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockSha256Test {
    /** The machines Hoist runs and is tested on are Debian with libssl3 (openssl is in test.sh's packages). */
    @Test
    void usesLibcryptoWhereItIsInstalled() {
        boolean installed = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"))
                || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libcrypto.so.3"));
        assertThat(BlockSha256.isNative()).as("libcrypto.so.3 installed: %s", installed).isEqualTo(installed);
    }

    @Test
    void knownAnswers() {
        // FIPS 180-2 example "abc", and the empty input
        assertThat(hex(direct("abc".getBytes()))).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(hex(direct(new byte[0]))).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void sameDigestAsTheJdkForEverySizeThatMatters() throws Exception {
        Random random = new Random(7);
        int[] sizes = {1, 55, 56, 63, 64, 65, 4095, 4096, 65_536 + 17, 777_777, DiskChecksum.BLOCK_SIZE};
        ByteBuffer buf = ByteBuffer.allocateDirect(DiskChecksum.BLOCK_SIZE + 100);
        byte[] bytes = new byte[DiskChecksum.BLOCK_SIZE + 100];
        random.nextBytes(bytes);
        buf.put(bytes).clear();
        MessageDigest jdk = MessageDigest.getInstance("SHA-256");
        MessageDigest fallback = DiskChecksum.newDigest();
        for (int size : sizes) {
            for (int at : new int[] {0, 3, 100}) { // a slice at an odd address as well as an aligned one
                if (at + size > buf.capacity()) {
                    continue;
                }
                jdk.update(bytes, at, size);
                byte[] expected = jdk.digest();
                ByteBuffer slice = buf.limit(at + size).position(at);
                assertThat(BlockSha256.digest(slice, fallback)).as("size %d at %d", size, at).isEqualTo(expected);
                assertThat(slice.position()).as("position moved to the limit").isEqualTo(at + size);
                buf.clear();
            }
        }
    }

    @Test
    void heapBuffersGoThroughTheJdk() throws Exception {
        byte[] bytes = "not direct".getBytes();
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(bytes);
        MessageDigest fallback = DiskChecksum.newDigest();
        fallback.update((byte) 1); // left over state must not leak into the digest
        assertThat(BlockSha256.digest(ByteBuffer.wrap(bytes), fallback)).isEqualTo(expected);
    }

    @Test
    void aFullZeroBlockHasTheWrittenOutConstant() {
        ByteBuffer zeros = ByteBuffer.allocateDirect(DiskChecksum.BLOCK_SIZE);
        assertThat(BlockSha256.digest(zeros, DiskChecksum.newDigest())).isEqualTo(DiskChecksum.zeroBlockDigest(DiskChecksum.BLOCK_SIZE));
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    private static String hex(ByteBuffer buf) {
        return HexFormat.of().formatHex(BlockSha256.digest(buf, DiskChecksum.newDigest()));
    }
}
