package io.hoist.plugin.ovirt.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real disk images for the imageio test server, made with qemu-img and qemu-io, and the tools to check them. */
public final class Images {
    private Images() {}

    /**
     * A qcow2 image of {@code size} bytes with the given writes ({@code "offset length pattern"} in qemu-io's syntax,
     * e.g. {@code "1M 3M 0xab"}), converted to the sparse raw file imageio serves for a raw download.
     */
    public static Path qcow2AndRaw(Path dir, String name, long size, String... writes) throws Exception {
        Path qcow = dir.resolve(name + ".qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", qcow.toString(), Long.toString(size));
        for (String w : writes) {
            String[] p = w.split(" ");
            run("qemu-io", "-f", "qcow2", "-c", "write -q -P " + p[2] + " " + p[0] + " " + p[1], qcow.toString());
        }
        Path raw = dir.resolve(name + ".raw");
        run("qemu-img", "convert", "-f", "qcow2", "-O", "raw", qcow.toString(), raw.toString());
        return raw;
    }

    public static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    /**
     * The qcow2 image's map as qemu-nbd exports it and {@code nbdinfo --map} reads it: {@code [start, length, zero]}
     * with zero = 1 for holes/zeros, merged.
     */
    public static List<long[]> nbdMap(Path qcow2) throws Exception {
        Path sock = Files.createTempDirectory("hoist-nbd").resolve("s");
        Process nbd = new ProcessBuilder("qemu-nbd", "-r", "-f", "qcow2", "--socket=" + sock, "--persistent", qcow2.toString())
                .redirectErrorStream(true).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(sock); i++) {
                Thread.sleep(50);
            }
            String out = run("nbdinfo", "--map", "nbd+unix:///?socket=" + sock);
            List<long[]> map = new ArrayList<>();
            for (String line : out.strip().split("\n")) {
                String[] f = line.trim().split("\\s+");
                long start = Long.parseLong(f[0]);
                long len = Long.parseLong(f[1]);
                long zero = (Integer.parseInt(f[2]) & 2) != 0 ? 1 : 0; // bit 1: NBD_STATE_ZERO
                if (!map.isEmpty() && map.get(map.size() - 1)[2] == zero) {
                    map.get(map.size() - 1)[1] += len;
                } else {
                    map.add(new long[] {start, len, zero});
                }
            }
            return map;
        } finally {
            nbd.destroy();
            nbd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    public static String sha256(Path f) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
