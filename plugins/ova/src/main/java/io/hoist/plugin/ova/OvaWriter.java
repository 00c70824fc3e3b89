package io.hoist.plugin.ova;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds an {@code .ova}: a tar with the OVF descriptor first, then a SHA-256 manifest ({@code .mf}),
 * then the disk files, as the OVF specification orders them. Used by the tests and the quick start to
 * package VMDKs made with {@code qemu-img}; see {@link OvfBuilder} for the descriptor.
 *
 * <pre>{@code
 * OvaWriter.to(Path.of("demo.ova"))
 *     .ovf("demo.ovf", new OvfBuilder("demo").disk("demo-disk1.vmdk", 1L << 30).build())
 *     .file("demo-disk1.vmdk", Path.of("disk.vmdk"))
 *     .write();
 * }</pre>
 */
public final class OvaWriter {
    private final Path target;
    private String ovfName;
    private byte[] ovf;
    private final Map<String, Path> files = new LinkedHashMap<>();
    private boolean manifest = true;

    private OvaWriter(Path target) {
        this.target = target;
    }

    public static OvaWriter to(Path ova) {
        return new OvaWriter(ova);
    }

    /** The descriptor, stored first under {@code name} (e.g. {@code vm.ovf}). */
    public OvaWriter ovf(String name, String xml) {
        requireName(name, "ovf name");
        if (!name.endsWith(".ovf")) {
            throw new IllegalArgumentException("ovf name: '" + name + "' must end with .ovf");
        }
        this.ovfName = name;
        this.ovf = xml.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** A file stored under {@code name} (the OVF's {@code ovf:href}), with the content of {@code source}. */
    public OvaWriter file(String name, Path source) {
        requireName(name, "file name");
        if (files.putIfAbsent(name, source) != null) {
            throw new IllegalArgumentException("file name: '" + name + "' is added twice");
        }
        return this;
    }

    /** Whether to add the {@code .mf} manifest (default true). */
    public OvaWriter manifest(boolean withManifest) {
        this.manifest = withManifest;
        return this;
    }

    /** Writes the archive, replacing {@code target}. Returns it. */
    public Path write() throws IOException {
        if (ovf == null) {
            throw new IllegalStateException("ovf: the descriptor is required");
        }
        List<String> lines = new ArrayList<>();
        lines.add("SHA256(" + ovfName + ")= " + sha256(ovf));
        if (manifest) {
            for (Map.Entry<String, Path> f : files.entrySet()) {
                lines.add("SHA256(" + f.getKey() + ")= " + sha256(f.getValue()));
            }
        }
        Path parent = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(parent, ".ova-", ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                putBytes(tar, ovfName, ovf);
                if (manifest) {
                    String mfName = ovfName.substring(0, ovfName.length() - 4) + ".mf";
                    putBytes(tar, mfName, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
                }
                for (Map.Entry<String, Path> f : files.entrySet()) {
                    TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                    e.setSize(Files.size(f.getValue()));
                    e.setMode(0644);
                    tar.putArchiveEntry(e);
                    Files.copy(f.getValue(), tar);
                    tar.closeArchiveEntry();
                }
                tar.finish();
            }
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    private static void putBytes(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        e.setMode(0644);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private static void requireName(String name, String field) {
        if (name == null || name.isBlank() || name.startsWith("/") || name.contains("..")) {
            throw new IllegalArgumentException(field + ": '" + name + "' must be a relative name without '..'");
        }
    }

    private static String sha256(byte[] data) {
        return HexFormat.of().formatHex(digest().digest(data));
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present in the JDK", e);
        }
    }
}
