package io.hoist.plugin.ova.archive;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * An {@code .ova}: a tar whose first {@code .ovf} entry describes the VM. Only the tar headers are read
 * (an index of name to data offset); entries are then read in place, never unpacked, because each
 * regular tar entry's bytes are contiguous in the archive.
 */
public final class OvaArchive implements OvaPackage {
    /** Where one entry's bytes lie in the archive. */
    private record Entry(long dataOffset, long size) {}

    private final Path path;
    private final String relativePath;
    private final Map<String, Entry> entries;
    private final String ovfName;

    private OvaArchive(Path path, String relativePath, Map<String, Entry> entries, String ovfName) {
        this.path = path;
        this.relativePath = relativePath;
        this.entries = entries;
        this.ovfName = ovfName;
    }

    /** Indexes the archive's headers; fails when it is not a tar or holds no {@code .ovf}. */
    public static OvaArchive open(Path path, String relativePath) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        String ovf = null;
        try (TarFile tar = new TarFile(path)) {
            for (TarArchiveEntry e : tar.getEntries()) {
                if (!e.isFile()) {
                    continue;
                }
                String name = OvaPackage.normalize(e.getName());
                if (e.isSparse()) {
                    // Sparse tar members are not contiguous in the archive; OVA tools never write them.
                    throw new IOException(path + ": entry " + name + " is a sparse tar member, which OVA does not allow");
                }
                entries.put(name, new Entry(e.getDataOffset(), e.getRealSize()));
                if (ovf == null && name.toLowerCase(Locale.ROOT).endsWith(".ovf")) {
                    ovf = name;
                }
            }
        } catch (RuntimeException e) {
            throw new IOException(path + ": not a readable tar archive: " + e.getMessage(), e);
        }
        if (ovf == null) {
            throw new IOException(path + ": holds no .ovf descriptor (not an OVA tar archive?)");
        }
        return new OvaArchive(path, relativePath, Collections.unmodifiableMap(entries), ovf);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String relativePath() {
        return relativePath;
    }

    public String ovfName() {
        return ovfName;
    }

    /** Entry names in archive order. */
    public Set<String> entryNames() {
        return entries.keySet();
    }

    @Override
    public byte[] readOvf() throws IOException {
        try (ByteRange r = open(ovfName)) {
            if (r.length() > OvfFolder.MAX_OVF_BYTES) {
                throw new IOException(path + ": " + ovfName + " is " + r.length() + " bytes, larger than the "
                        + OvfFolder.MAX_OVF_BYTES + " bytes an OVF descriptor may have");
            }
            ByteBuffer b = ByteBuffer.allocate((int) r.length());
            r.readFully(0, b);
            return b.array();
        }
    }

    @Override
    public long fileSize(String href) {
        Entry e = entries.get(OvaPackage.normalize(href));
        return e == null ? -1 : e.size();
    }

    @Override
    public ByteRange open(String href) throws IOException {
        String name = OvaPackage.normalize(href);
        Entry e = entries.get(name);
        if (e == null) {
            throw new FileNotFoundException(path + ": the archive has no entry " + name);
        }
        return ByteRange.ofFile(path, e.dataOffset(), e.size(), path.getFileName() + ":" + name);
    }

    @Override
    public String toString() {
        return relativePath;
    }
}
