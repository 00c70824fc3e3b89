package io.hoist.testkit.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.transfer.DiskIo;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.Extent;
import io.hoist.api.transfer.TlsSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordingDiskIoTest {
    /** A disk of {@code size} bytes whose byte at i is (byte) i, handing out at most {@code chunk} bytes a read. */
    private static DiskReader disk(int size, int chunk) {
        return new DiskReader() {
            @Override public long size() { return size; }
            @Override public List<Extent> extents(long offset, long length) { return List.of(Extent.zeros(offset, length)); }
            @Override public int read(long offset, ByteBuffer dst) {
                int n = (int) Math.min(Math.min(chunk, dst.remaining()), size - offset);
                for (int i = 0; i < n; i++) {
                    dst.put((byte) (offset + i));
                }
                return n;
            }
            @Override public String describe() { return "disk of " + size; }
            @Override public void close() { }
        };
    }

    /** Hands out {@link #disk} for every HTTP read; the rest is not asked for here. */
    private static final class HttpOnlyDiskIoTestDouble implements DiskIo {
        @Override public DiskReader openHttp(URI url, TlsSettings tls, Map<String, String> headers) { return disk(1000, 300); }
        @Override public DiskReader openFile(Path path) { throw new UnsupportedOperationException("file"); }
        @Override public DiskReader openNbd(URI uri) { throw new UnsupportedOperationException("nbd"); }
        @Override public DiskWriter createFile(Path path, long size) { throw new UnsupportedOperationException("file"); }
        @Override public DiskWriter openHttpUpload(URI url, TlsSettings tls, Map<String, String> headers, long size) {
            throw new UnsupportedOperationException("upload");
        }
    }

    @Test
    void recordsTlsUrlHeadersAndTheBytesHandedOutAndPassesExtentsThrough() throws Exception {
        RecordingDiskIo io = new RecordingDiskIo(new HttpOnlyDiskIoTestDouble());
        URI url = URI.create("https://esx.example/folder/vm-flat.vmdk?dsName=ds1");
        TlsSettings tls = new TlsSettings("PEM", null, false);
        try (DiskReader r = io.openHttp(url, tls, Map.of("Cookie", "session=1"))) {
            byte[] all = DiskReads.readAll(r);
            assertThat(all).hasSize(1000);
            assertThat(all[999]).isEqualTo((byte) 999);
            assertThat(r.extents(0, 1000)).containsExactly(Extent.zeros(0, 1000));
        }
        assertThat(io.bytesRead).hasValue(1000);
        assertThat(io.httpTls).containsEntry(url, tls);
        assertThat(io.lastHttpUrl).isEqualTo(url);
        assertThat(io.lastHttpHeaders).containsEntry("Cookie", "session=1");
    }

    @Test
    void readAllFailsOnAReadThatHandsOutNothingInsteadOfSpinning() {
        DiskReader stuck = disk(1000, 0);
        assertThatThrownBy(() -> DiskReads.readAll(stuck)).isInstanceOf(IOException.class)
                .hasMessage("disk of 1000: read at 0 of 1000 returned 0");
    }
}
