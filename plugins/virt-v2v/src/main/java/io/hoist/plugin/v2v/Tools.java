package io.hoist.plugin.v2v;

import io.hoist.api.HoistException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Runs the external tools (virt-v2v-in-place, qemu-img, guestfish) with their output streamed line by line. */
public final class Tools {
    private Tools() {}

    /** The first of the usual places holding {@code name}, or null. */
    public static Path find(String name) {
        for (String dir : List.of("/usr/bin", "/usr/libexec", "/usr/local/bin", "/usr/sbin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                Path p = Path.of(dir, name);
                if (!dir.isEmpty() && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    public static Path require(String name, String debianPackage) {
        Path p = find(name);
        if (p == null) {
            throw new HoistException(HoistException.Type.NOT_SUPPORTED, "ConverterNotInstalled",
                    name + " is not installed on this machine (Debian/Ubuntu: apt-get install " + debianPackage
                            + "); set skipGuestConversion: true on the plan to copy without converting");
        }
        return p;
    }

    /** A started tool and the thread reading its output. */
    public record Running(Process process, Thread reader) {
        /** Waits for the exit and for the last line of output. */
        public int waitFor() throws InterruptedException {
            int rc = process.waitFor();
            reader.join();
            return rc;
        }
    }

    /** A started tool whose output (stdout and stderr merged) goes to {@code lines}. */
    public static Running start(List<String> command, Map<String, String> env, Path dir, Consumer<String> lines) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        Thread reader = Thread.ofVirtual().name("v2v-output-" + p.pid()).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.accept(line);
                }
            } catch (IOException e) {
                // the process ended or was killed; its exit code tells the story
            }
        });
        return new Running(p, reader);
    }

    /** Runs a short tool to its end; throws with its output when it fails. */
    public static String run(List<String> command, Path dir) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        int rc = start(command, Map.of(), dir, line -> {
            synchronized (out) {
                out.add(line);
            }
        }).waitFor();
        synchronized (out) {
            if (rc != 0) {
                throw new IOException(String.join(" ", command.subList(0, Math.min(2, command.size()))) + " failed (exit " + rc + "): "
                        + String.join(" | ", out.subList(Math.max(0, out.size() - 5), out.size())));
            }
            return String.join("\n", out);
        }
    }
}
