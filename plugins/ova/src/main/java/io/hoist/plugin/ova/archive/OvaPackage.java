package io.hoist.plugin.ova.archive;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One exported VM package: an {@code .ova} tar ({@link OvaArchive}) or an unpacked folder holding an
 * {@code .ovf} ({@link OvfFolder}). Files are named by the OVF's {@code href}s, relative to the descriptor.
 */
public sealed interface OvaPackage permits OvaArchive, OvfFolder {
    /** The {@code .ova} file or the {@code .ovf} file. */
    Path path();

    /** {@link #path()} relative to the provider root, with '/' separators: part of the stable VM id. */
    String relativePath();

    byte[] readOvf() throws IOException;

    /** Size in bytes of the file {@code href}, or -1 when the package has no such file. */
    long fileSize(String href) throws IOException;

    /** Opens the file {@code href} for positional reads; fails with a message naming the package and file. */
    ByteRange open(String href) throws IOException;

    /** {@code name} next to {@code href}: VMDK descriptors name their extent files relative to themselves. */
    static String sibling(String href, String name) {
        int slash = href.lastIndexOf('/');
        return slash < 0 ? name : href.substring(0, slash + 1) + name;
    }

    /** Strips a leading {@code ./} (tar tools add it) so OVF hrefs and tar names compare equal. */
    static String normalize(String name) {
        String n = name.replace('\\', '/');
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n;
    }
}
