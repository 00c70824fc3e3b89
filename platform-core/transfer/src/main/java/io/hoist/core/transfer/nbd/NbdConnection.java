package io.hoist.core.transfer.nbd;

import io.hoist.api.transfer.Extent;
import io.hoist.core.transfer.checksum.DiskChecksum;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One NBD client connection: fixed-newstyle handshake with NBD_OPT_GO, structured replies and the
 * {@code base:allocation} meta context when the server offers them (simple replies otherwise). One request at a
 * time; {@link NbdDiskReader} runs several connections for parallelism. Reply data is read straight from the
 * socket into the caller's buffer.
 */
final class NbdConnection implements AutoCloseable {
    // Handshake (https://github.com/NetworkBlockDevice/nbd/blob/master/doc/proto.md)
    private static final long NBDMAGIC = 0x4e42444d41474943L;
    private static final long IHAVEOPT = 0x49484156454F5054L;
    private static final long REPLY_MAGIC = 0x3e889045565a9L;
    private static final int FLAG_FIXED_NEWSTYLE = 1;
    private static final int FLAG_NO_ZEROES = 2;
    private static final int OPT_GO = 7;
    private static final int OPT_STRUCTURED_REPLY = 8;
    private static final int OPT_SET_META_CONTEXT = 10;
    private static final int REP_ACK = 1;
    private static final int REP_INFO = 3;
    private static final int REP_META_CONTEXT = 4;
    private static final int REP_FLAG_ERROR = 1 << 31;
    private static final int INFO_EXPORT = 0;
    private static final int INFO_BLOCK_SIZE = 3;
    // Transmission
    private static final int REQUEST_MAGIC = 0x25609513;
    private static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    private static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;
    private static final short CMD_READ = 0;
    private static final short CMD_DISC = 2;
    private static final short CMD_BLOCK_STATUS = 7;
    private static final int REPLY_FLAG_DONE = 1;
    private static final int REPLY_TYPE_NONE = 0;
    private static final int REPLY_TYPE_OFFSET_DATA = 1;
    private static final int REPLY_TYPE_OFFSET_HOLE = 2;
    private static final int REPLY_TYPE_BLOCK_STATUS = 5;
    private static final int REPLY_TYPE_ERROR_BIT = 1 << 15;
    private static final int STATE_ZERO = 2;
    static final String BASE_ALLOCATION = "base:allocation";

    private final SocketChannel channel;
    private final String display;
    private final ByteBuffer header = ByteBuffer.allocateDirect(64);
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
    private long size;
    private int maxRequest = 32 * 1024 * 1024;
    private boolean structured;
    private int allocationContextId = -1;
    private long nextCookie = 1;

    private NbdConnection(SocketChannel channel, String display) {
        this.channel = channel;
        this.display = display;
    }

    static NbdConnection open(NbdUri uri) throws IOException {
        SocketChannel ch;
        if (uri.address() instanceof InetSocketAddress isa) {
            ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(isa);
        } else {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(uri.address());
        }
        NbdConnection c = new NbdConnection(ch, uri.display());
        try {
            c.handshake(uri.exportName());
            return c;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    long size() {
        return size;
    }

    boolean hasAllocationMap() {
        return allocationContextId >= 0;
    }

    private void handshake(String export) throws IOException {
        ByteBuffer b = read(18);
        if (b.getLong() != NBDMAGIC || b.getLong() != IHAVEOPT) {
            throw protocol("not an NBD newstyle server");
        }
        int serverFlags = b.getShort() & 0xffff;
        if ((serverFlags & FLAG_FIXED_NEWSTYLE) == 0) {
            throw protocol("server does not speak fixed newstyle negotiation");
        }
        boolean noZeroes = (serverFlags & FLAG_NO_ZEROES) != 0;
        write(header.clear().putInt(FLAG_FIXED_NEWSTYLE | (noZeroes ? FLAG_NO_ZEROES : 0)).flip());

        sendOption(OPT_STRUCTURED_REPLY, new byte[0]);
        OptReply r = readOptReply(OPT_STRUCTURED_REPLY);
        structured = r.type == REP_ACK;

        byte[] name = export.getBytes(StandardCharsets.UTF_8);
        if (structured) {
            byte[] query = BASE_ALLOCATION.getBytes(StandardCharsets.UTF_8);
            ByteBuffer data = ByteBuffer.allocate(4 + name.length + 4 + 4 + query.length);
            data.putInt(name.length).put(name).putInt(1).putInt(query.length).put(query);
            sendOption(OPT_SET_META_CONTEXT, data.array());
            while (true) {
                OptReply m = readOptReply(OPT_SET_META_CONTEXT);
                if (m.type == REP_META_CONTEXT) {
                    ByteBuffer p = ByteBuffer.wrap(m.data);
                    int id = p.getInt();
                    String ctx = new String(m.data, 4, m.data.length - 4, StandardCharsets.UTF_8);
                    if (ctx.equals(BASE_ALLOCATION)) {
                        allocationContextId = id;
                    }
                } else {
                    break; // ACK, or an error: the server has no allocation map and everything counts as data
                }
            }
        }

        ByteBuffer go = ByteBuffer.allocate(4 + name.length + 2 + 2);
        go.putInt(name.length).put(name).putShort((short) 1).putShort((short) INFO_BLOCK_SIZE);
        sendOption(OPT_GO, go.array());
        boolean haveSize = false;
        while (true) {
            OptReply g = readOptReply(OPT_GO);
            if ((g.type & REP_FLAG_ERROR) != 0) {
                String msg = g.data.length > 0 ? ": " + new String(g.data, StandardCharsets.UTF_8) : "";
                throw new NbdException(display + ": server refused export '" + export + "' (error 0x"
                        + Integer.toHexString(g.type) + ")" + msg, 0);
            }
            if (g.type == REP_INFO && g.data.length >= 2) {
                ByteBuffer p = ByteBuffer.wrap(g.data);
                int info = p.getShort() & 0xffff;
                if (info == INFO_EXPORT) {
                    size = p.getLong();
                    haveSize = true;
                } else if (info == INFO_BLOCK_SIZE && g.data.length >= 14) {
                    p.getInt(); // minimum
                    p.getInt(); // preferred
                    maxRequest = Math.min(maxRequest, p.getInt());
                }
            } else if (g.type == REP_ACK) {
                break;
            }
        }
        if (!haveSize) {
            throw protocol("server sent no export size");
        }
    }

    private void sendOption(int option, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + data.length);
        b.putLong(IHAVEOPT).putInt(option).putInt(data.length).put(data).flip();
        write(b);
    }

    private record OptReply(int type, byte[] data) {}

    private OptReply readOptReply(int option) throws IOException {
        ByteBuffer h = read(20);
        if (h.getLong() != REPLY_MAGIC) {
            throw protocol("bad option reply magic");
        }
        int opt = h.getInt();
        int type = h.getInt();
        int len = h.getInt();
        if (opt != option || len < 0 || len > 1 << 20) {
            throw protocol("unexpected option reply for option " + opt + " (length " + len + ")");
        }
        byte[] data = new byte[len];
        ByteBuffer d = ByteBuffer.wrap(data);
        readFully(d);
        return new OptReply(type, data);
    }

    /** Reads {@code [offset, offset+dst.remaining())} into {@code dst}, advancing its position by that much. */
    void read(long offset, ByteBuffer dst) throws IOException {
        int start = dst.position();
        int end = dst.limit();
        long pos = offset;
        int at = start;
        try {
            while (at < end) {
                int n = Math.min(end - at, maxRequest);
                long cookie = sendRequest(CMD_READ, pos, n);
                if (structured) {
                    readStructured(cookie, pos, n, dst, at);
                } else {
                    readSimpleHeader(cookie);
                    dst.limit(at + n).position(at);
                    readFully(dst);
                }
                pos += n;
                at += n;
            }
        } finally {
            dst.limit(end).position(at);
        }
    }

    private void readStructured(long cookie, long reqOffset, int reqLength, ByteBuffer dst, int dstBase) throws IOException {
        int covered = 0;
        NbdException error = null;
        while (true) {
            ChunkHeader c = readChunkHeader(cookie);
            switch (c.type) {
                case REPLY_TYPE_OFFSET_DATA -> {
                    long chunkOffset = readLong();
                    int dataLen = c.length - 8;
                    checkInside(chunkOffset, dataLen, reqOffset, reqLength);
                    int at = dstBase + (int) (chunkOffset - reqOffset);
                    dst.limit(at + dataLen).position(at);
                    readFully(dst);
                    covered += dataLen;
                }
                case REPLY_TYPE_OFFSET_HOLE -> {
                    long chunkOffset = readLong();
                    int holeLen = readInt();
                    checkInside(chunkOffset, holeLen, reqOffset, reqLength);
                    int at = dstBase + (int) (chunkOffset - reqOffset);
                    dst.limit(at + holeLen).position(at);
                    DiskChecksum.fillZeros(dst);
                    covered += holeLen;
                }
                case REPLY_TYPE_NONE -> skip(c.length);
                default -> {
                    if ((c.type & REPLY_TYPE_ERROR_BIT) != 0) {
                        error = readError(c, "read at " + reqOffset);
                    } else {
                        skip(c.length);
                    }
                }
            }
            if ((c.flags & REPLY_FLAG_DONE) != 0) {
                break;
            }
        }
        if (error != null) {
            throw error;
        }
        if (covered != reqLength) {
            throw protocol("read at " + reqOffset + " returned " + covered + " of " + reqLength + " bytes");
        }
    }

    /** Allocation map of {@code [offset, offset+length)} from BLOCK_STATUS; may cover less than asked. */
    List<Extent> blockStatus(long offset, int length) throws IOException {
        List<Extent> out = new ArrayList<>(4);
        long cookie = sendRequest(CMD_BLOCK_STATUS, offset, length);
        NbdException error = null;
        while (true) {
            ChunkHeader c = readChunkHeader(cookie);
            if (c.type == REPLY_TYPE_BLOCK_STATUS) {
                int contextId = readInt();
                int descriptors = (c.length - 4) / 8;
                long pos = offset;
                for (int i = 0; i < descriptors; i++) {
                    long len = readInt() & 0xffffffffL;
                    int flags = readInt();
                    if (contextId == allocationContextId && len > 0) {
                        out.add(new Extent(pos, len, (flags & STATE_ZERO) != 0));
                        pos += len;
                    }
                }
                skip((c.length - 4) % 8);
            } else if ((c.type & REPLY_TYPE_ERROR_BIT) != 0) {
                error = readError(c, "block status at " + offset);
            } else {
                skip(c.length);
            }
            if ((c.flags & REPLY_FLAG_DONE) != 0) {
                break;
            }
        }
        if (error != null) {
            throw error;
        }
        return out;
    }

    private long sendRequest(short type, long offset, int length) throws IOException {
        long cookie = nextCookie++;
        header.clear()
                .putInt(REQUEST_MAGIC).putShort((short) 0).putShort(type)
                .putLong(cookie).putLong(offset).putInt(length)
                .flip();
        write(header);
        return cookie;
    }

    private void readSimpleHeader(long cookie) throws IOException {
        ByteBuffer h = read(16);
        if (h.getInt() != SIMPLE_REPLY_MAGIC) {
            throw protocol("bad simple reply magic");
        }
        int err = h.getInt();
        if (h.getLong() != cookie) {
            throw protocol("reply for another request");
        }
        if (err != 0) {
            throw new NbdException(display + ": server error " + err, err, true);
        }
    }

    private record ChunkHeader(int flags, int type, int length) {}

    private ChunkHeader readChunkHeader(long cookie) throws IOException {
        ByteBuffer h = read(20);
        int magic = h.getInt();
        if (magic == SIMPLE_REPLY_MAGIC) {
            // Servers may answer errors with a simple reply even after structured replies were agreed.
            int err = h.getInt();
            throw new NbdException(display + ": server error " + err, err);
        }
        if (magic != STRUCTURED_REPLY_MAGIC) {
            throw protocol("bad structured reply magic 0x" + Integer.toHexString(magic));
        }
        int flags = h.getShort() & 0xffff;
        int type = h.getShort() & 0xffff;
        if (h.getLong() != cookie) {
            throw protocol("reply for another request");
        }
        int length = h.getInt();
        if (length < 0) {
            throw protocol("negative chunk length");
        }
        return new ChunkHeader(flags, type, length);
    }

    private NbdException readError(ChunkHeader c, String what) throws IOException {
        int err = readInt();
        int msgLen = readShort();
        byte[] msg = new byte[Math.max(0, Math.min(msgLen, c.length - 6))];
        readFully(ByteBuffer.wrap(msg));
        skip(c.length - 6 - msg.length);
        String text = msg.length > 0 ? ": " + new String(msg, StandardCharsets.UTF_8) : "";
        return new NbdException(display + ": " + what + " failed with error " + err + text, err, true);
    }

    private void checkInside(long chunkOffset, long len, long reqOffset, int reqLength) throws NbdException {
        if (chunkOffset < reqOffset || chunkOffset + len > reqOffset + reqLength || len < 0) {
            throw protocol("reply chunk " + chunkOffset + "+" + len + " outside request " + reqOffset + "+" + reqLength);
        }
    }

    private long readLong() throws IOException {
        return read(8).getLong();
    }

    private int readInt() throws IOException {
        return read(4).getInt();
    }

    private int readShort() throws IOException {
        return read(2).getShort() & 0xffff;
    }

    private ByteBuffer read(int n) throws IOException {
        ByteBuffer b = header.clear().limit(n);
        readFully(b);
        return b.flip();
    }

    private void skip(int n) throws IOException {
        while (n > 0) {
            ByteBuffer b = scratch.clear().limit(Math.min(n, scratch.capacity()));
            readFully(b);
            n -= b.limit();
        }
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException(display + ": server closed the connection");
            }
        }
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private NbdException protocol(String what) {
        return new NbdException(display + ": NBD protocol error: " + what, 0);
    }

    @Override
    public void close() {
        try {
            if (channel.isOpen()) {
                sendRequest(CMD_DISC, 0, 0);
            }
        } catch (IOException ignored) {
            // the connection is going away anyway
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
