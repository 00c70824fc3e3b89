package io.hoist.plugin.ova.archive;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An unpacked OVF package: a {@code .ovf} file with its disk files beside it. */
public final class OvfFolder implements OvaPackage {
    /** OVF descriptors are a few KiB; a larger file is not a descriptor and would only waste memory. */
    static final long MAX_OVF_BYTES = 16L << 20;

    private final Path ovf;
    private final Path root;
    private final String relativePath;

    /** {@code root} bounds every file the OVF may name: an href cannot escape the provider's folder. */
    public OvfFolder(Path ovf, Path root, String relativePath) {
        this.ovf = ovf.toAbsolutePath().normalize();
        this.root = root.toAbsolutePath().normalize();
        this.relativePath = relativePath;
    }

    @Override
    public Path path() {
        return ovf;
    }

    @Override
    public String relativePath() {
        return relativePath;
    }

    @Override
    public byte[] readOvf() throws IOException {
        long size = Files.size(ovf);
        if (size > MAX_OVF_BYTES) {
            throw new IOException(ovf + " is " + size + " bytes, larger than the " + MAX_OVF_BYTES
                    + " bytes an OVF descriptor may have");
        }
        return Files.readAllBytes(ovf);
    }

    private Path resolve(String href) throws IOException {
        Path p = ovf.getParent().resolve(OvaPackage.normalize(href)).normalize();
        // Checked lexically and, when the file exists, after following links: an OVF may not name a file
        // outside the provider folder (the service may run as root).
        boolean inside = p.startsWith(root) && (!Files.exists(p) || p.toRealPath().startsWith(root.toRealPath()));
        if (!inside) {
            throw new IOException(ovf + ": file reference " + href + " points outside the provider folder " + root);
        }
        return p;
    }

    @Override
    public long fileSize(String href) throws IOException {
        Path p = resolve(href);
        return Files.isRegularFile(p) ? Files.size(p) : -1;
    }

    @Override
    public ByteRange open(String href) throws IOException {
        Path p = resolve(href);
        if (!Files.isRegularFile(p)) {
            throw new FileNotFoundException(ovf + ": referenced file " + href + " does not exist (" + p + ")");
        }
        return ByteRange.ofFile(p);
    }

    @Override
    public String toString() {
        return relativePath;
    }
}
