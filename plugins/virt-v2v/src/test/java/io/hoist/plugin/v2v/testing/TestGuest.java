package io.hoist.plugin.v2v.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Linux test guest of {@code testbeds/guest/build.sh}: built once from Debian packages and cached outside
 * the repository (keyed by the script's hash), laid out like a VMware guest so that it boots on virtio only
 * after conversion. Also the environment virt-v2v needs on this kind of machine.
 */
public final class TestGuest {
    /** What the guest's boot unit prints on the serial console. */
    public static final String MARKER = "HOIST-GUEST-BOOTED";
    /** The guest's static address, configured on the VMware-style interface name ens192. */
    public static final String STATIC_IP = "10.0.2.15";

    private TestGuest() {}

    public static Path repoRoot() {
        String root = System.getProperty("hoist.repo.root");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("testbeds/guest/build.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("testbeds/guest/build.sh not found above " + root);
        }
        return p;
    }

    /** The cached raw image (built on first use, about a minute with the Debian mirror). */
    public static synchronized Path image() throws IOException, InterruptedException {
        Path script = repoRoot().resolve("testbeds/guest/build.sh");
        Path log = Files.createTempFile("hoist-guest-build", ".log");
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(false)
                .redirectError(log.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("testbeds/guest/build.sh failed: " + Files.readString(log));
        }
        Files.deleteIfExists(log);
        List<String> lines = out.lines().toList();
        return Path.of(lines.get(lines.size() - 1).trim());
    }

    /** A sparse copy of the image, as the transfer engine would have written it. */
    public static Path copyTo(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("cp", "--sparse=always", image().toString(), file.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("cp failed");
        }
        return file;
    }

    /**
     * libguestfs without libvirt and, where KVM cannot be used (nested, containers), under TCG:
     * what {@code ./test.sh} and CI run with.
     */
    public static Map<String, String> libguestfsEnvironment() {
        String settings = System.getenv("LIBGUESTFS_BACKEND_SETTINGS");
        return Map.of("LIBGUESTFS_BACKEND", "direct", "LIBGUESTFS_BACKEND_SETTINGS", settings != null ? settings : "force_tcg");
    }
}
