package io.hoist.plugin.ova.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code qemu-img} (Debian package qemu-utils): the reference for every byte our reader yields. */
public final class QemuImg {
    private QemuImg() {}

    /** {@code qemu-img convert -f raw -O vmdk -o subformat=SUB raw vmdk}. */
    public static Path toVmdk(Path raw, Path vmdk, String subformat) throws IOException {
        run("convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=" + subformat, raw.toString(), vmdk.toString());
        return vmdk;
    }

    /** {@code qemu-img convert -f vmdk -O raw vmdk raw}: the bytes the reader must reproduce. */
    public static Path toRaw(Path vmdk, Path raw) throws IOException {
        run("convert", "-f", "vmdk", "-O", "raw", vmdk.toString(), raw.toString());
        return raw;
    }

    public static String run(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("qemu-img");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("qemu-img timed out: " + cmd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + cmd, e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("qemu-img failed (" + p.exitValue() + "): " + cmd + "\n" + out);
        }
        return out;
    }
}
