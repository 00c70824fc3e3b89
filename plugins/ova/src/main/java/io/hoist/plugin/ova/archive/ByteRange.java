package io.hoist.plugin.ova.archive;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A window {@code [base, base+length)} of a file, read with positional reads only, so many threads can
 * read it at once without sharing a file position. A tar entry of an OVA is one of these: its bytes sit
 * contiguously in the archive, which is what lets disks be read straight out of the tar.
 */
public final class ByteRange implements Closeable {
    private final FileChannel channel;
    private final long base;
    private final long length;
    private final boolean ownsChannel;
    private final String name;

    private ByteRange(FileChannel channel, long base, long length, boolean ownsChannel, String name) {
        this.channel = channel;
        this.base = base;
        this.length = length;
        this.ownsChannel = ownsChannel;
        this.name = name;
    }

    /** The whole file, with its own channel (closed with this range). */
    public static ByteRange ofFile(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new ByteRange(ch, 0, ch.size(), true, file.getFileName().toString());
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** {@code [base, base+length)} of {@code file}, with its own channel (closed with this range). */
    public static ByteRange ofFile(Path file, long base, long length, String name) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            if (base + length > ch.size()) {
                throw new EOFException(name + ": entry ends at byte " + (base + length) + " but " + file
                        + " has only " + ch.size() + " bytes (truncated archive?)");
            }
            return new ByteRange(ch, base, length, true, name);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    public long length() {
        return length;
    }

    /** The entry or file name, for messages. */
    public String name() {
        return name;
    }

    /** Reads from {@code position} until {@code dst} is full or the range ends; returns bytes read. */
    public int read(long position, ByteBuffer dst) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        int total = 0;
        while (dst.hasRemaining() && position + total < length) {
            long left = length - (position + total);
            int want = (int) Math.min(dst.remaining(), left);
            ByteBuffer slice = dst.slice().limit(want);
            int n = channel.read(slice, base + position + total);
            if (n < 0) {
                break;
            }
            dst.position(dst.position() + n);
            total += n;
        }
        return total;
    }

    /** Reads exactly {@code dst.remaining()} bytes at {@code position} or fails naming the range. */
    public void readFully(long position, ByteBuffer dst) throws IOException {
        int want = dst.remaining();
        int got = read(position, dst);
        if (got < want) {
            throw new EOFException(name + ": wanted " + want + " bytes at offset " + position + " but the file has "
                    + length + " bytes (truncated or corrupt)");
        }
    }

    public byte[] readBytes(long position, int count) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(count);
        readFully(position, b);
        return b.array();
    }

    @Override
    public void close() throws IOException {
        if (ownsChannel) {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
