package io.hoist.core.transfer.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.transfer.testing.Images;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both xxh128-4m block hashers, libxxhash's XXH3-128 through FFM ({@code nativeLibrary = true}) and the fallback on
 * hash4j's pure-Java one (false), against hash4j's one-shot XXH3-128 and the known answer for the empty input: the
 * two give the same digests, so a copy hashed by one verifies against the other.
 */
class Xxh128BlockHasherTest {
    /** apt depends on libxxhash0, so every Debian/Ubuntu machine Hoist runs on has it: missing is a failure. */
    @Test
    void libxxhashIsThereAndIsTheDefault() {
        assertThat(Xxh3Native.unavailableReason()).as("install the Debian package libxxhash0").isNull();
        assertThat(ChecksumMode.XXH128_4M.newHasher()).isInstanceOf(Xxh128BlockHasher.class);
    }

    @ParameterizedTest(name = "native {0}")
    @ValueSource(booleans = {true, false})
    void knownAnswerForTheEmptyInput(boolean nativeLibrary) {
        // xxHash's own sanity value for XXH3_128bits of no bytes, seed 0
        byte[] d = ChecksumMode.newXxh128Hasher(nativeLibrary).digest(ByteBuffer.allocateDirect(0));
        assertThat(HexFormat.of().formatHex(d, 0, 16)).isEqualTo("99aa06d3014798d86001c324468d497f");
        assertThat(Arrays.copyOfRange(d, 16, 32)).as("the rest of the slot").containsOnly(0);
    }

    @ParameterizedTest(name = "native {0}")
    @ValueSource(booleans = {true, false})
    void sameDigestAsHash4jForEverySizeThatMatters(boolean nativeLibrary) {
        // XXH3 has separate code paths for 0-16, 17-128, 129-240 bytes and longer inputs (stripes, 1 KiB blocks)
        int[] sizes = {1, 3, 4, 8, 9, 16, 17, 128, 129, 240, 241, 1024, 1025, 65_536 + 17, 777_777, DiskChecksum.BLOCK_SIZE};
        byte[] bytes = new byte[DiskChecksum.BLOCK_SIZE + 100];
        new Random(11).nextBytes(bytes);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).clear();
        BlockHasher hasher = ChecksumMode.newXxh128Hasher(nativeLibrary);
        for (int size : sizes) {
            for (int at : new int[] {0, 3}) {
                byte[] expected = Images.xxh128(Arrays.copyOfRange(bytes, at, at + size));
                ByteBuffer slice = direct.duplicate().position(at).limit(at + size);
                assertThat(Arrays.copyOf(hasher.digest(slice), 16)).as("direct, size %d at %d", size, at).isEqualTo(expected);
                assertThat(slice.hasRemaining()).isFalse();
                ByteBuffer heap = ByteBuffer.wrap(bytes, at, size);
                assertThat(Arrays.copyOf(hasher.digest(heap), 16)).as("heap, size %d at %d", size, at).isEqualTo(expected);
            }
        }
    }

    @ParameterizedTest(name = "native {0}")
    @ValueSource(booleans = {true, false})
    void piecesAndZerosHashAsTheWholeBlock(boolean nativeLibrary) {
        byte[] block = new byte[DiskChecksum.BLOCK_SIZE];
        new Random(12).nextBytes(block);
        Arrays.fill(block, 1 << 20, (1 << 20) + 300_001, (byte) 0);
        ByteBuffer buf = ByteBuffer.allocateDirect(block.length).put(block).clear();
        BlockHasher hasher = ChecksumMode.newXxh128Hasher(nativeLibrary);
        byte[] whole = hasher.digest(buf.duplicate());
        for (int round = 0; round < 2; round++) { // the state is reused
            hasher.start();
            hasher.update(buf.duplicate().limit(1 << 20));
            hasher.updateZeros(300_001);
            hasher.update(buf.duplicate().position((1 << 20) + 300_001));
            assertThat(hasher.finish()).isEqualTo(whole);
        }
        assertThat(Arrays.copyOf(whole, 16)).isEqualTo(Images.xxh128(block));
    }

    @Test
    void zeroBlockDigestsAreThoseOfZeros() {
        assertThat(Arrays.copyOf(DiskChecksum.zeroBlockDigest(ChecksumMode.XXH128_4M, DiskChecksum.BLOCK_SIZE), 16))
                .isEqualTo(Images.xxh128(new byte[DiskChecksum.BLOCK_SIZE]));
        assertThat(Arrays.copyOf(DiskChecksum.zeroBlockDigest(ChecksumMode.XXH128_4M, 1000), 16))
                .isEqualTo(Images.xxh128(new byte[1000]));
        assertThat(DiskChecksum.zeroBlockDigest(ChecksumMode.SHA256_4M, 1000)).isEqualTo(DiskChecksum.zeroBlockDigest(1000));
    }
}
