package io.hoist.plugin.ova.disk;

import io.hoist.plugin.ova.archive.ByteRange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A hosted sparse extent ({@code KDMV} header): monolithicSparse (plain grains) and streamOptimized
 * (deflate-compressed grains behind a 12-byte marker). The grain directory and tables map each grain to
 * a sector of the file, or to nothing (reads as zeros), which gives random access and an exact zero map
 * without reading the data. streamOptimized files written by VMware keep the directory only in the footer
 * ({@code gdOffset == GD_AT_END}); it is read from there.
 *
 * <p>The header is untrusted: every size it declares is checked against the file's real length before anything
 * is allocated (a 30 KB file cannot hold a 2 GB grain directory), and the caches are bounded in bytes, not
 * entries, since a grain may be 64 KiB or 16 MiB.
 */
final class SparseExtent implements VmdkExtent {
    static final int MAGIC = 0x564d444b; // "KDMV" little-endian
    static final long GD_AT_END = 0xffffffffffffffffL;
    private static final int SECTOR = 512;
    private static final int FLAG_COMPRESSED = 1 << 16;
    private static final int COMPRESSION_DEFLATE = 1;
    /** Grain-table entry 1 marks a zeroed grain (sector 1 is always the header's, never grain data). */
    private static final long GTE_ZERO = 1;
    private static final int MARKER_HEADER = 12;
    private static final long MAX_GRAIN_SECTORS = 1 << 15; // 16 MiB; VMware uses 128 sectors (64 KiB)
    /** Bytes of grain tables and of decompressed grains kept per open extent. */
    static final long GT_CACHE_BYTES = 16L << 20;
    static final long GRAIN_CACHE_BYTES = 64L << 20;
    /** The largest disk a VMDK can describe (VMware's limit is 62 TiB). */
    static final long MAX_CAPACITY_BYTES = 64L << 40;

    /** The fields of the 512-byte header this reader needs. */
    record Header(int version, int flags, long capacitySectors, long grainSectors, long descriptorSector,
                  long descriptorSectors, int gtesPerGt, long gdSector, int compressAlgorithm) {
        boolean compressed() {
            return (flags & FLAG_COMPRESSED) != 0;
        }

        static Header parse(byte[] b, String name) throws IOException {
            ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            if (h.getInt(0) != MAGIC) {
                throw new IOException(name + ": not a sparse VMDK extent (no KDMV magic)");
            }
            return new Header(h.getInt(4), h.getInt(8), h.getLong(12), h.getLong(20), h.getLong(28), h.getLong(36),
                    h.getInt(44), h.getLong(56), Short.toUnsignedInt(h.getShort(77)));
        }
    }

    private final ByteRange file;
    private final String name;
    private final long capacityBytes;
    private final int grainBytes;
    private final int gtesPerGt;
    private final boolean compressed;
    /** File sector of each grain table; 0 when the table is absent (its grains read as zeros). */
    private final long[] gd;
    private final Map<Integer, int[]> gtCache;
    private final Map<Long, byte[]> grainCache;

    private SparseExtent(ByteRange file, Header h, long[] gd) {
        this.file = file;
        this.name = file.name();
        this.capacityBytes = h.capacitySectors() * SECTOR;
        this.grainBytes = (int) (h.grainSectors() * SECTOR);
        this.gtesPerGt = h.gtesPerGt();
        this.compressed = h.compressed();
        this.gd = gd;
        this.gtCache = lru((int) Math.max(1, GT_CACHE_BYTES / (4L * gtesPerGt)));
        this.grainCache = lru((int) Math.max(1, GRAIN_CACHE_BYTES / grainBytes));
    }

    static Header readHeader(ByteRange file) throws IOException {
        return Header.parse(file.readBytes(0, SECTOR), file.name());
    }

    static SparseExtent open(ByteRange file) throws IOException {
        String name = file.name();
        Header h = readHeader(file);
        if (h.gdSector() == GD_AT_END) {
            // Footer layout at the end: footer marker, footer (a header copy with the real gdOffset), EOS marker.
            if (file.length() < 3L * SECTOR) {
                throw new IOException(name + ": grain directory is at the end but the file has no footer");
            }
            Header footer = Header.parse(file.readBytes(file.length() - 2L * SECTOR, SECTOR), name + " (footer)");
            if (footer.gdSector() == GD_AT_END) {
                throw new IOException(name + ": the footer does not say where the grain directory is");
            }
            h = new Header(h.version(), h.flags(), h.capacitySectors(), h.grainSectors(), h.descriptorSector(),
                    h.descriptorSectors(), footer.gtesPerGt(), footer.gdSector(), h.compressAlgorithm());
        }
        validate(h, name);
        long grains = ceilDiv(h.capacitySectors(), h.grainSectors());
        long tables = ceilDiv(grains, h.gtesPerGt());
        // the directory must lie inside the file: checked before allocating it
        long gdStart = h.gdSector() * SECTOR;
        if (tables > Integer.MAX_VALUE / 4 || gdStart > file.length() || tables * 4 > file.length() - gdStart) {
            throw new IOException(name + ": header fields capacity=" + h.capacitySectors() + " sectors, grainSize="
                    + h.grainSectors() + ", numGTEsPerGT=" + h.gtesPerGt() + " need a grain directory of " + tables
                    + " entries at sector " + h.gdSector() + ", beyond the end of the " + file.length()
                    + "-byte file (corrupt or hostile VMDK)");
        }
        ByteBuffer gdBytes = ByteBuffer.allocate((int) tables * 4).order(ByteOrder.LITTLE_ENDIAN);
        file.readFully(h.gdSector() * SECTOR, gdBytes);
        long[] gd = new long[(int) tables];
        for (int i = 0; i < gd.length; i++) {
            gd[i] = Integer.toUnsignedLong(gdBytes.getInt(i * 4));
        }
        return new SparseExtent(file, h, gd);
    }

    private static void validate(Header h, String name) throws IOException {
        long g = h.grainSectors();
        if (g < 1 || g > MAX_GRAIN_SECTORS || (g & (g - 1)) != 0) {
            throw new IOException(name + ": header field grainSize=" + g + " sectors is invalid (a power of two up to "
                    + MAX_GRAIN_SECTORS + " expected)");
        }
        if (h.gtesPerGt() < 1 || h.gtesPerGt() > 65536) {
            throw new IOException(name + ": header field numGTEsPerGT=" + h.gtesPerGt() + " is invalid");
        }
        if (h.capacitySectors() < 0 || h.capacitySectors() > MAX_CAPACITY_BYTES / SECTOR) {
            throw new IOException(name + ": header field capacity=" + h.capacitySectors() + " sectors is invalid");
        }
        if (h.compressed() && h.compressAlgorithm() != COMPRESSION_DEFLATE) {
            throw new IOException(name + ": header field compressAlgorithm=" + h.compressAlgorithm()
                    + " is not supported (only 1, deflate)");
        }
        if (h.gdSector() <= 0 || h.gdSector() > Long.MAX_VALUE / SECTOR) {
            throw new IOException(name + ": header field gdOffset=" + h.gdSector() + " is invalid");
        }
    }

    @Override
    public long size() {
        return capacityBytes;
    }

    boolean compressed() {
        return compressed;
    }

    /** File sector of grain {@code grain}, or 0/1 when it reads as zeros. */
    private long grainSector(long grain) throws IOException {
        long table = grain / gtesPerGt;
        if (table >= gd.length || gd[(int) table] == 0) {
            return 0;
        }
        int[] gt = table((int) table);
        return Integer.toUnsignedLong(gt[(int) (grain % gtesPerGt)]);
    }

    private int[] table(int index) throws IOException {
        synchronized (gtCache) {
            int[] cached = gtCache.get(index);
            if (cached != null) {
                return cached;
            }
        }
        long at = gd[index] * SECTOR;
        if (at + gtesPerGt * 4L > file.length()) {
            throw new IOException(name + ": grain directory entry " + index + " points to sector " + gd[index]
                    + ", beyond the end of the " + file.length() + "-byte file (corrupt VMDK)");
        }
        ByteBuffer b = ByteBuffer.allocate(gtesPerGt * 4).order(ByteOrder.LITTLE_ENDIAN);
        file.readFully(at, b);
        int[] gt = new int[gtesPerGt];
        b.flip();
        b.asIntBuffer().get(gt);
        synchronized (gtCache) {
            gtCache.put(index, gt);
        }
        return gt;
    }

    /** The decompressed bytes of a compressed grain (shorter grains, like a partial last one, end in zeros). */
    private byte[] inflateGrain(long grain, long sector) throws IOException {
        synchronized (grainCache) {
            byte[] cached = grainCache.get(grain);
            if (cached != null) {
                return cached;
            }
        }
        long at = sector * SECTOR;
        ByteBuffer marker = ByteBuffer.allocate(MARKER_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        file.readFully(at, marker);
        long lba = marker.getLong(0);
        long size = Integer.toUnsignedLong(marker.getInt(8));
        long expectedLba = grain * (grainBytes / SECTOR);
        if (lba != expectedLba) {
            throw new IOException(name + ": grain at sector " + sector + " says it holds disk sector " + lba
                    + " but the grain table maps it to " + expectedLba + " (corrupt VMDK)");
        }
        if (size == 0 || size > 2L * grainBytes + 4096 || at + MARKER_HEADER + size > file.length()) {
            throw new IOException(name + ": grain at sector " + sector + " has an invalid compressed size " + size);
        }
        byte[] compressedBytes = file.readBytes(at + MARKER_HEADER, (int) size);
        byte[] out = new byte[grainBytes];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressedBytes);
            int n = 0;
            while (n < out.length && !inflater.finished()) {
                int k = inflater.inflate(out, n, out.length - n);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException(name + ": compressed grain at sector " + sector + " ends early (corrupt VMDK)");
                }
                n += k;
            }
        } catch (DataFormatException e) {
            throw new IOException(name + ": compressed grain at sector " + sector + " is not valid deflate data: "
                    + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        synchronized (grainCache) {
            grainCache.put(grain, out);
        }
        return out;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int total = 0;
        long pos = offset;
        while (dst.hasRemaining() && pos < capacityBytes) {
            long grain = pos / grainBytes;
            int inGrain = (int) (pos % grainBytes);
            int n = (int) Math.min(Math.min(dst.remaining(), grainBytes - inGrain), capacityBytes - pos);
            long sector = grainSector(grain);
            if (sector <= GTE_ZERO) {
                VmdkExtent.putZeros(dst, n);
            } else if (compressed) {
                dst.put(inflateGrain(grain, sector), inGrain, n);
            } else {
                ByteBuffer slice = dst.slice().limit(n);
                file.readFully(sector * SECTOR + inGrain, slice);
                dst.position(dst.position() + n);
            }
            pos += n;
            total += n;
        }
        return total;
    }

    @Override
    public void mapExtents(long offset, long length, long shift, ExtentCollector out) throws IOException {
        long end = Math.min(capacityBytes, offset + length);
        long pos = offset;
        long tableBytes = (long) grainBytes * gtesPerGt;
        while (pos < end) {
            long table = pos / tableBytes;
            long tableEnd = Math.min(end, (table + 1) * tableBytes);
            if (table >= gd.length || gd[(int) table] == 0) {
                // A missing table: its whole span is zeros, no need to look at grains one by one.
                out.add(shift + pos, tableEnd - pos, true);
                pos = tableEnd;
                continue;
            }
            int[] gt = table((int) table);
            while (pos < tableEnd) {
                long grain = pos / grainBytes;
                long next = Math.min(tableEnd, (grain + 1) * grainBytes);
                long sector = Integer.toUnsignedLong(gt[(int) (grain % gtesPerGt)]);
                out.add(shift + pos, next - pos, sector <= GTE_ZERO);
                pos = next;
            }
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static <K, V> Map<K, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }
}
