package io.hoist.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/** Issue 24 item 5: a bundle bomb (a small tar.gz unpacking to gigabytes, or to countless entries) stops early. */
class BundleLimitsTest {
    /** A tar.gz with one file of {@code size} spaces (compresses about 1000:1), streamed, never held whole. */
    static byte[] bomb(String name, long size) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(size);
            tar.putArchiveEntry(e);
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) ' ');
            for (long left = size; left > 0; left -= chunk.length) {
                tar.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void aRegoFileOfGigabytesIsRefusedWhileStreaming() throws IOException {
        byte[] b = bomb("policies/bomb.rego", 256L << 20); // 256 MiB of spaces in ~250 KB (the reported bomb: 1.9 GB in 1.8 MB)
        assertThat(b.length).isLessThan(2 << 20);
        long start = System.nanoTime();
        assertThatThrownBy(() -> Bundle.files(b, n -> true, "bundle rules.tar.gz"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bundle rules.tar.gz").hasMessageContaining("/policies/bomb.rego")
                .hasMessageContaining(Long.toString(Bundle.MAX_FILE_BYTES));
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms to refuse").isLessThan(20_000);
    }

    @Test
    void totalAndEntryCountsAreCapped() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            byte[] tenMiB = new byte[10 << 20];
            for (int i = 0; i < 8; i++) {
                TarArchiveEntry e = new TarArchiveEntry("f" + i + ".rego");
                e.setSize(tenMiB.length);
                tar.putArchiveEntry(e);
                tar.write(tenMiB);
                tar.closeArchiveEntry();
            }
        }
        assertThatThrownBy(() -> Bundle.files(bytes.toByteArray(), n -> false, "b"))
                .hasMessageContaining("past " + Bundle.MAX_TOTAL_BYTES);
        ByteArrayOutputStream many = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(many))) {
            for (int i = 0; i < Bundle.MAX_FILES + 1; i++) {
                TarArchiveEntry e = new TarArchiveEntry("d/" + i + ".json");
                e.setSize(0);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
        }
        assertThatThrownBy(() -> Bundle.files(many.toByteArray(), n -> true, "b")).hasMessageContaining("more than 1000 entries");
    }

    @Test
    void aNormalBundleStillReads() {
        Bundle b = new Bundle(new byte[] {0, 'a', 's', 'm'}, "{\"x\":1}", null);
        Bundle back = Bundle.read(b.write());
        assertThat(back.dataJson()).isEqualTo("{\"x\":1}");
        Map<String, byte[]> files = Bundle.files(b.write(), n -> n.endsWith(".json"), "b");
        assertThat(files).containsOnlyKeys("/data.json");
    }

}
