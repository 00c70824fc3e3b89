package io.hoist.plugin.ova.disk;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import io.hoist.plugin.ova.archive.ByteRange;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the virtual disk of a VMDK: streamOptimized, monolithicSparse, monolithicFlat, and any descriptor
 * whose extents are FLAT, VMFS, SPARSE or ZERO. Reads are positional and may run on many threads at once.
 * Extents that are unallocated grains, ZERO extents or all-zero blocks of flat files are reported as zero
 * extents, so the engine never reads or writes them.
 */
public final class VmdkDiskReader implements DiskReader {
    /** Opens sibling files named by a descriptor (relative to the descriptor). */
    @FunctionalInterface
    public interface FileOpener {
        ByteRange open(String name) throws IOException;
    }

    private record Placed(long start, VmdkExtent extent) {
        long end() {
            return start + extent.size();
        }
    }

    private static final int QCOW_MAGIC = 0x514649fb;
    private static final int COWD_MAGIC = 0x44574f43; // "COWD" little-endian

    private final String description;
    private final List<Placed> extents;
    private final List<Closeable> files;
    private final long size;
    private final String format;

    private VmdkDiskReader(String description, List<Placed> extents, List<Closeable> files, String format) {
        this.description = description;
        this.extents = extents;
        this.files = files;
        this.size = extents.isEmpty() ? 0 : extents.get(extents.size() - 1).end();
        this.format = format;
    }

    /**
     * Opens the VMDK whose first (or only) file is {@code primary}; takes ownership of {@code primary}.
     * {@code opener} resolves extent file names of a separate descriptor.
     */
    public static VmdkDiskReader open(ByteRange primary, FileOpener opener) throws IOException {
        List<Closeable> files = new ArrayList<>();
        files.add(primary);
        try {
            if (primary.length() < 4) {
                throw new IOException(primary.name() + ": file of " + primary.length() + " bytes is not a VMDK");
            }
            byte[] head = primary.readBytes(0, (int) Math.min(512, primary.length()));
            int magic = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            if (magic == SparseExtent.MAGIC) {
                return openSparse(primary, files);
            }
            if (magic == COWD_MAGIC) {
                throw new IOException(primary.name() + ": ESX COWD sparse (delta) disks are not supported");
            }
            if (ByteBuffer.wrap(head).getInt(0) == QCOW_MAGIC) {
                throw new IOException(primary.name() + ": is a qcow2 image, not a VMDK");
            }
            if (!VmdkDescriptor.looksLikeDescriptor(head) || primary.length() > VmdkDescriptor.MAX_BYTES) {
                throw new IOException(primary.name() + ": neither a sparse VMDK (KDMV header) nor a VMDK descriptor");
            }
            String text = new String(primary.readBytes(0, (int) primary.length()), StandardCharsets.UTF_8);
            VmdkDescriptor d = VmdkDescriptor.parse(text, primary.name());
            rejectDelta(d, primary.name());
            List<Placed> placed = new ArrayList<>();
            long at = 0;
            for (VmdkDescriptor.ExtentLine line : d.extents()) {
                long bytes = line.sectors() * 512;
                VmdkExtent extent = switch (line.type()) {
                    case "ZERO" -> new ZeroExtent(bytes);
                    case "FLAT", "VMFS" -> {
                        ByteRange f = opener.open(line.file());
                        files.add(f);
                        yield new FlatExtent(f, line.offsetSectors() * 512, bytes);
                    }
                    case "SPARSE" -> {
                        ByteRange f = opener.open(line.file());
                        files.add(f);
                        SparseExtent s = SparseExtent.open(f);
                        if (s.size() < bytes) {
                            throw new IOException(f.name() + ": sparse extent holds " + s.size()
                                    + " bytes but the descriptor line says " + bytes);
                        }
                        yield new Trimmed(s, bytes);
                    }
                    default -> throw new IOException(primary.name() + ": extent type " + line.type()
                            + " is not supported (FLAT, VMFS, SPARSE and ZERO are)");
                };
                placed.add(new Placed(at, extent));
                at += bytes;
                if (at > SparseExtent.MAX_CAPACITY_BYTES) {
                    throw new IOException(primary.name() + ": extent lines add up to more than "
                            + SparseExtent.MAX_CAPACITY_BYTES + " bytes, larger than any VMDK (corrupt descriptor)");
                }
            }
            String format = d.createType() == null ? "vmdk" : d.createType();
            return new VmdkDiskReader(primary.name() + " (" + format + ")", List.copyOf(placed), files, format);
        } catch (IOException | RuntimeException e) {
            closeAll(files);
            throw e;
        }
    }

    private static VmdkDiskReader openSparse(ByteRange file, List<Closeable> files) throws IOException {
        SparseExtent.Header h = SparseExtent.readHeader(file);
        String createType = null;
        // The embedded descriptor says whether this is a delta disk, which cannot be read on its own.
        if (h.descriptorSector() > 0 && h.descriptorSectors() > 0
                && h.descriptorSectors() * 512 <= VmdkDescriptor.MAX_BYTES
                && h.descriptorSector() <= (file.length() - h.descriptorSectors() * 512) / 512) { // inside the file
            byte[] text = file.readBytes(h.descriptorSector() * 512, (int) (h.descriptorSectors() * 512));
            VmdkDescriptor d = VmdkDescriptor.parse(new String(text, StandardCharsets.UTF_8), file.name());
            rejectDelta(d, file.name());
            createType = d.createType();
        }
        SparseExtent s = SparseExtent.open(file);
        String format = createType != null ? createType : s.compressed() ? "streamOptimized" : "monolithicSparse";
        return new VmdkDiskReader(file.name() + " (" + format + ")", List.of(new Placed(0, s)), files, format);
    }

    private static void rejectDelta(VmdkDescriptor d, String name) throws IOException {
        if (d.hasParent()) {
            throw new IOException(name + ": is a delta disk (parentCID=" + d.parentCid()
                    + "); export the VM without snapshots");
        }
    }

    /** The VMDK create type (streamOptimized, monolithicSparse, monolithicFlat, ...). */
    public String format() {
        return format;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int total = 0;
        long pos = offset;
        int i = indexOf(pos);
        while (dst.hasRemaining() && i >= 0 && i < extents.size()) {
            Placed p = extents.get(i);
            int n = p.extent().read(pos - p.start(), dst);
            total += n;
            pos += n;
            if (pos >= p.end()) {
                i++;
            } else if (n == 0) {
                break;
            }
        }
        return total;
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        ExtentCollector out = new ExtentCollector();
        long end = Math.min(size, offset + length);
        for (int i = Math.max(0, indexOf(offset)); i < extents.size() && offset < end; i++) {
            Placed p = extents.get(i);
            long from = Math.max(offset, p.start());
            long to = Math.min(end, p.end());
            if (from < to) {
                p.extent().mapExtents(from - p.start(), to - from, p.start(), out);
            }
        }
        return out.result();
    }

    private int indexOf(long pos) {
        for (int i = 0; i < extents.size(); i++) {
            if (pos < extents.get(i).end()) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() throws IOException {
        closeAll(files);
    }

    private static void closeAll(List<Closeable> files) {
        for (Closeable c : files) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Read-only files: nothing is lost when closing fails.
            }
        }
    }

    /** A sparse extent used for fewer bytes than it holds (the descriptor line is authoritative). */
    private record Trimmed(VmdkExtent inner, long size) implements VmdkExtent {
        @Override
        public int read(long offset, ByteBuffer dst) throws IOException {
            if (offset >= size) {
                return 0;
            }
            int limit = (int) Math.min(dst.remaining(), size - offset);
            ByteBuffer slice = dst.slice().limit(limit);
            int n = inner.read(offset, slice);
            dst.position(dst.position() + n);
            return n;
        }

        @Override
        public void mapExtents(long offset, long length, long shift, ExtentCollector out) throws IOException {
            inner.mapExtents(offset, Math.min(length, size - offset), shift, out);
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
