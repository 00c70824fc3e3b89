package io.hoist.plugin.ova.location;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Mounts an NFS export read-only with the system's {@code mount} (needs root and nfs-common's
 * {@code mount.nfs}). Hoist never writes to the export; read-only also protects it from mistakes.
 */
public final class NfsMounter {
    /** Why a mount could not be made; the message says what to install or change. */
    public static final class MountException extends Exception {
        private final String reason;

        public MountException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        /** Stable condition reason: NfsMountNotPossible (missing root or nfs-common) or NfsMountFailed. */
        public String reason() {
            return reason;
        }
    }

    private final List<Path> helpers;
    private final boolean root;
    private final long timeoutSeconds;

    /** {@code helpers}: where {@code mount.nfs} may be; {@code root}: whether this process may mount. */
    public NfsMounter(List<Path> helpers, boolean root, long timeoutSeconds) {
        this.helpers = List.copyOf(helpers);
        this.root = root;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** The system's mount helper locations and the real user of this process. */
    public static NfsMounter system() {
        boolean root = "root".equals(ProcessHandle.current().info().user().orElse(""));
        return new NfsMounter(List.of(Path.of("/sbin/mount.nfs"), Path.of("/usr/sbin/mount.nfs")), root, 60);
    }

    /** Mounts {@code nfs} on {@code target} (created if needed); a no-op when it is mounted there already. */
    public void mount(ProviderLocation.Nfs nfs, Path target) throws MountException {
        if (!root) {
            throw new MountException("NfsMountNotPossible", "Mounting NFS export " + nfs.display()
                    + " needs root: run Hoist as root with nfs-common installed, or mount the export yourself"
                    + " and set the provider URL to the local folder");
        }
        if (helpers.stream().noneMatch(Files::isExecutable)) {
            throw new MountException("NfsMountNotPossible", "Mounting NFS export " + nfs.display()
                    + " needs mount.nfs (Debian/Ubuntu package nfs-common, RHEL nfs-utils), not found at " + helpers
                    + "; install it, or mount the export yourself and set the provider URL to the local folder");
        }
        try {
            Files.createDirectories(target);
            if (isMounted(target)) {
                return;
            }
            run(List.of("mount", "-t", "nfs", "-o", "ro,soft,timeo=100,retrans=3", nfs.display(), target.toString()),
                    "mount " + nfs.display());
        } catch (IOException e) {
            throw new MountException("NfsMountFailed", "Mounting NFS export " + nfs.display() + " read-only on "
                    + target + " failed: " + e.getMessage());
        }
    }

    /** Unmounts {@code target}; lazily, so a reader still open cannot keep it busy forever. */
    public void unmount(Path target) throws IOException {
        if (isMounted(target)) {
            run(List.of("umount", "-l", target.toString()), "umount " + target);
        }
    }

    static boolean isMounted(Path target) throws IOException {
        Path mounts = Path.of("/proc/self/mounts");
        if (!Files.exists(mounts)) {
            return false;
        }
        String t = target.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(mounts)) {
            String[] f = line.split(" ");
            if (f.length > 1 && f[1].replace("\\040", " ").equals(t)) {
                return true;
            }
        }
        return false;
    }

    private void run(List<String> cmd, String what) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(what + " did not finish within " + timeoutSeconds + "s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(what + " was interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new IOException(what + " exited with " + p.exitValue() + (out.isEmpty() ? "" : ": " + out));
        }
    }
}
