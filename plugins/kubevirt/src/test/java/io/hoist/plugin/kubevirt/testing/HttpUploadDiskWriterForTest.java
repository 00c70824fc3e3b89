package io.hoist.plugin.kubevirt.testing;

import io.hoist.api.transfer.DiskWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Test double of the transfer engine's HTTP upload writer ({@code DiskIo.openHttpUpload}): stages
 * the image in a local sparse file and POSTs it in one request on {@link #flush()}, as
 * {@code virtctl image-upload} does against CDI's upload proxy.
 */
public final class HttpUploadDiskWriterForTest implements DiskWriter {
    private final URI url;
    private final Map<String, String> headers;
    private final long size;
    private final Path staging;
    private final FileChannel channel;

    public HttpUploadDiskWriterForTest(URI url, Map<String, String> headers, long size) {
        this.url = url;
        this.headers = Map.copyOf(headers);
        this.size = size;
        try {
            staging = Files.createTempFile("upload-staging", ".img");
            channel = FileChannel.open(staging, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.SPARSE);
            channel.truncate(size);
            channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            offset += channel.write(src, offset);
        }
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        write(offset, ByteBuffer.allocate((int) length));
    }

    @Override
    public void flush() throws IOException {
        channel.force(false);
        HttpRequest.Builder request = HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofFile(staging))
                .header("Content-Type", "application/octet-stream");
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("upload to " + url + " answered " + response.statusCode() + ": " + response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("upload interrupted", e);
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String describe() {
        return "test upload to " + url;
    }

    @Override
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(staging);
    }
}
