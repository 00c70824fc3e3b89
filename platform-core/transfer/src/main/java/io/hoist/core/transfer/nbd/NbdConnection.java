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
    /** Largest read request sent (nbdcopy's default too); a larger read is split into pipelined pieces. */
    static final int PIECE = 256 * 1024;
    /** Read requests outstanding on one connection at most: a whole 4 MiB block of pieces. */
    static final int PIPELINE = 16;

    private final SocketChannel channel;
    private final String display;
    private final ByteBuffer header = ByteBuffer.allocateDirect(64);
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
    /** Request headers of one pipelined batch, sent with one write. */
    private final ByteBuffer requests = ByteBuffer.allocateDirect(PIPELINE * 28);
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

    /**
     * Reads {@code [offset, offset+dst.remaining())} into {@code dst}, advancing its position by that much.
     *
     * <p>The range goes out as requests of at most {@link #PIECE} bytes, all of them sent before the first reply
     * is read (at most {@link #PIPELINE} outstanding), and the replies are taken in whatever order the server
     * sends them (matched by cookie; nbdkit and qemu-nbd answer out of order). One 4 MiB request made nbdkit's
     * file plugin burn ~2.5 CPU-s per GiB (a fresh 4 MiB buffer per request) against ~0.7 for 256 KiB ones, and
     * one request at a time left the connection idle between replies; nbdcopy's defaults are 256 KiB and many
     * requests in flight.
     */
    void read(long offset, ByteBuffer dst) throws IOException {
        int start = dst.position();
        int end = dst.limit();
        int piece = Math.min(PIECE, maxRequest);
        int pieces = (end - start + piece - 1) / piece;
        if (pieces == 0) {
            return;
        }
        long firstCookie = nextCookie;
        nextCookie += pieces;
        int[] covered = new int[pieces];
        boolean[] finished = new boolean[pieces];
        NbdException error = null;
        int sent = 0;
        int answered = 0;
        try {
            sent = sendReads(firstCookie, offset, start, end, piece, 0, Math.min(pieces, PIPELINE));
            while (answered < pieces) {
                int i;
                if (structured) {
                    ChunkHeader c = readChunkHeader();
                    i = pieceOf(c.cookie, firstCookie, sent, finished);
                    long reqOffset = offset + (long) i * piece;
                    int reqLength = Math.min(piece, end - start - i * piece);
                    int dstBase = start + i * piece;
                    NbdException e = readChunk(c, reqOffset, reqLength, dst, dstBase, covered, i);
                    if (e != null && error == null) {
                        error = e;
                    }
                    if ((c.flags & REPLY_FLAG_DONE) == 0) {
                        continue;
                    }
                    if (e == null && error == null && covered[i] != reqLength) {
                        throw protocol("read at " + reqOffset + " returned " + covered[i] + " of " + reqLength + " bytes");
                    }
                } else {
                    ByteBuffer h = read(16);
                    if (h.getInt() != SIMPLE_REPLY_MAGIC) {
                        throw protocol("bad simple reply magic");
                    }
                    int err = h.getInt();
                    i = pieceOf(h.getLong(), firstCookie, sent, finished);
                    if (err != 0) {
                        // An error reply carries no payload; the connection stays in step.
                        if (error == null) {
                            error = new NbdException(display + ": server error " + err, err, true);
                        }
                    } else {
                        int at = start + i * piece;
                        dst.limit(Math.min(end, at + piece)).position(at);
                        readFully(dst);
                    }
                }
                finished[i] = true;
                answered++;
                if (sent < pieces) {
                    sent = sendReads(firstCookie, offset, start, end, piece, sent, 1);
                }
            }
        } finally {
            dst.limit(end).position(error == null && answered == pieces ? end : start);
        }
        if (error != null) {
            throw error;
        }
    }

    /** Sends read requests for pieces {@code from .. from+count-1} in one write; returns the number sent so far. */
    private int sendReads(long firstCookie, long offset, int start, int end, int piece, int from, int count) throws IOException {
        ByteBuffer b = requests.clear();
        for (int i = from; i < from + count; i++) {
            int len = Math.min(piece, end - start - i * piece);
            b.putInt(REQUEST_MAGIC).putShort((short) 0).putShort(CMD_READ)
                    .putLong(firstCookie + i).putLong(offset + (long) i * piece).putInt(len);
        }
        write(b.flip());
        return from + count;
    }

    /** Index of the outstanding piece a reply's cookie names; anything else is a protocol error. */
    private int pieceOf(long cookie, long firstCookie, int sent, boolean[] finished) throws NbdException {
        long i = cookie - firstCookie;
        if (i < 0 || i >= sent || finished[(int) i]) {
            throw protocol("reply for a request not outstanding (cookie " + cookie + ")");
        }
        return (int) i;
    }

    /** Handles one structured reply chunk of a read; returns the error it reports, if it is an error chunk. */
    private NbdException readChunk(ChunkHeader c, long reqOffset, int reqLength, ByteBuffer dst, int dstBase,
                                   int[] covered, int i) throws IOException {
        switch (c.type) {
            case REPLY_TYPE_OFFSET_DATA -> {
                long chunkOffset = readLong();
                int dataLen = c.length - 8;
                checkInside(chunkOffset, dataLen, reqOffset, reqLength);
                int at = dstBase + (int) (chunkOffset - reqOffset);
                dst.limit(at + dataLen).position(at);
                readFully(dst);
                covered[i] += dataLen;
            }
            case REPLY_TYPE_OFFSET_HOLE -> {
                long chunkOffset = readLong();
                int holeLen = readInt();
                checkInside(chunkOffset, holeLen, reqOffset, reqLength);
                int at = dstBase + (int) (chunkOffset - reqOffset);
                dst.limit(at + holeLen).position(at);
                DiskChecksum.fillZeros(dst);
                covered[i] += holeLen;
            }
            case REPLY_TYPE_NONE -> skip(c.length);
            default -> {
                if ((c.type & REPLY_TYPE_ERROR_BIT) != 0) {
                    return readError(c, "read at " + reqOffset);
                }
                skip(c.length);
            }
        }
        return null;
    }

    /** Allocation map of {@code [offset, offset+length)} from BLOCK_STATUS; may cover less than asked. */
    List<Extent> blockStatus(long offset, int length) throws IOException {
        List<Extent> out = new ArrayList<>(4);
        long cookie = sendRequest(CMD_BLOCK_STATUS, offset, length);
        NbdException error = null;
        while (true) {
            ChunkHeader c = readChunkHeader();
            if (c.cookie != cookie) {
                throw protocol("reply for another request");
            }
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

    private record ChunkHeader(int flags, int type, long cookie, int length) {}

    private ChunkHeader readChunkHeader() throws IOException {
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
        long cookie = h.getLong();
        int length = h.getInt();
        if (length < 0) {
            throw protocol("negative chunk length");
        }
        return new ChunkHeader(flags, type, cookie, length);
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
