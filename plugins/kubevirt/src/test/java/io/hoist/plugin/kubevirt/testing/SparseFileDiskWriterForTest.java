package io.hoist.plugin.kubevirt.testing;

import io.hoist.api.transfer.DiskWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Test double of the transfer engine's sparse-file writer ({@code DiskIo.createFile}): creates the
 * file at its size without writing data (a hole), keeps an existing file for resume.
 */
public final class SparseFileDiskWriterForTest implements DiskWriter {
    private final Path path;
    private final FileChannel channel;
    private final long size;

    public SparseFileDiskWriterForTest(Path path, long size) throws IOException {
        this.path = path;
        this.size = size;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE);
        if (Files.size(path) != size) {
            channel.truncate(size);
            if (channel.size() < size) {
                // Extending by writing the last byte leaves everything before it a hole.
                channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
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
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String describe() {
        return "sparse test file " + path;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
