package io.hoist.plugin.v2v.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Boots a disk image with the real {@code qemu-system-x86_64} (TCG) the way KubeVirt presents it: the disk on
 * virtio-blk, one virtio-net NIC with the given MAC on an isolated user network (no traffic leaves QEMU), the
 * serial console captured. The disk is opened with {@code -snapshot}, so the image is never changed.
 */
public final class QemuBoot {
    /** How a boot ended. */
    public enum Result { BOOTED, FAILED, TIMED_OUT }

    /** A boot's end and its console. */
    public record Outcome(Result result, String console, Duration took) {
        /** The marker line the guest printed, or null. */
        public String markerLine() {
            return console.lines().filter(l -> l.contains(TestGuest.MARKER)).findFirst().orElse(null);
        }
    }

    private QemuBoot() {}

    public static Outcome boot(Path image, String mac, Duration limit, Path work) throws IOException, InterruptedException {
        Path console = Files.createTempFile(work, "console", ".log");
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "pc,accel=tcg", "-m", "768", "-smp", "1",
                "-display", "none", "-monitor", "none", "-no-reboot", "-snapshot",
                "-drive", "file=" + image.toAbsolutePath() + ",format=raw,if=virtio",
                "-netdev", "user,id=n0,restrict=on", "-device", "virtio-net-pci,netdev=n0,mac=" + mac,
                "-serial", "file:" + console.toAbsolutePath()));
        long start = System.nanoTime();
        Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("qemu.out").toFile()).start();
        try {
            long deadline = start + limit.toNanos();
            while (System.nanoTime() < deadline && qemu.isAlive()) {
                String text = Files.readString(console, StandardCharsets.ISO_8859_1);
                if (text.contains(TestGuest.MARKER)) {
                    Thread.sleep(500); // the rest of the marker line
                    return new Outcome(Result.BOOTED, Files.readString(console, StandardCharsets.ISO_8859_1), since(start));
                }
                // initramfs-tools gives up on a root device it cannot see after 30 s and drops to its shell
                if (text.contains("ALERT!") || text.contains("Kernel panic") || text.contains("(initramfs)")) {
                    return new Outcome(Result.FAILED, text, since(start));
                }
                Thread.sleep(1000);
            }
            String text = Files.readString(console, StandardCharsets.ISO_8859_1);
            return new Outcome(qemu.isAlive() ? Result.TIMED_OUT : Result.FAILED, text, since(start));
        } finally {
            qemu.destroyForcibly();
            qemu.waitFor();
        }
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
