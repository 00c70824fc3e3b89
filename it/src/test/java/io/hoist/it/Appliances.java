package io.hoist.it;

import io.hoist.cli.SampleAppliance;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/** Source-side truth for end-to-end tests: OVAs built with qemu-img and their raw bytes per qemu-img. */
final class Appliances {
    private Appliances() {}

    /**
     * The one disk image of a migrated single-disk VM: its file name follows the plan's PVC name (MTV's default
     * template plus a generated suffix), so it is found, not spelled. Null while the folder holds none.
     */
    static Path onlyDiskImage(Path vmDir) throws IOException {
        if (!Files.isDirectory(vmDir)) {
            return null;
        }
        try (java.util.stream.Stream<Path> files = Files.list(vmDir)) {
            List<Path> images = files.filter(f -> f.getFileName().toString().endsWith(".img")).toList();
            if (images.size() > 1) {
                throw new AssertionError("more than one disk image in " + vmDir + ": " + images);
            }
            return images.isEmpty() ? null : images.get(0);
        }
    }

    static Path build(Path dir, String name, int mib, long seed, String mac) throws Exception {
        Path ova = dir.resolve(name + ".ova");
        SampleAppliance.build(ova, name, (long) mib << 20, seed, mac);
        return ova;
    }

    /** SHA-256 of the VM's disk as qemu-img reads it from the OVA (extracted, converted to raw). */
    static String rawSha256(Path ova, String name, Path work) throws Exception {
        Path x = Files.createDirectories(work.resolve("extract-" + name));
        SampleAppliance.run(List.of("tar", "-C", x.toString(), "-xf", ova.toString()));
        Path raw = x.resolve("disk.raw");
        SampleAppliance.run(List.of("qemu-img", "convert", "-O", "raw", x.resolve(name + "-disk1.vmdk").toString(), raw.toString()));
        return sha256(raw);
    }

    static String sha256Bytes(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
