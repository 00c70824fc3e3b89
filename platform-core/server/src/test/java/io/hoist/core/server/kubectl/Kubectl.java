package io.hoist.core.server.kubectl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl (from PATH; Debian: kubernetes-client) pointed at a Hoist server with its own kubeconfig, and
 * the CA of the server's certificate: kubectl never sends a bearer token over plain http.
 */
final class Kubectl {
    record Result(int code, String out, String err) {
        Result ok() {
            if (code != 0) {
                throw new AssertionError("kubectl exited " + code + "\nstdout: " + out + "\nstderr: " + err);
            }
            return this;
        }
    }

    private final Path kubeconfig;
    private final Path workDir;

    Kubectl(Path kubeconfig, Path workDir) {
        this.kubeconfig = kubeconfig;
        this.workDir = workDir;
    }

    /** The kubectl binary, or an AssertionError saying how to install it: this suite is never skipped. */
    static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError("kubectl is not on PATH: install it (Debian: apt-get install kubernetes-client;"
                + " ./test.sh does this)");
    }

    static void writeKubeconfig(Path file, String server, Path caPem, String token, String namespace) throws IOException {
        String ca = Base64.getEncoder().encodeToString(Files.readAllBytes(caPem));
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: hoist
                  cluster: {server: "%s", certificate-authority-data: "%s"}
                users:
                - name: hoist
                  user: {token: "%s"}
                contexts:
                - name: hoist
                  context: {cluster: hoist, user: hoist, namespace: %s}
                current-context: hoist
                """.formatted(server, ca, token, namespace));
    }

    /** A kubectl that keeps running (a watch): its output so far, awaited with a generous deadline, then killed. */
    final class Background implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final Path err;

        private Background(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        String output() throws IOException {
            return Files.readString(out);
        }

        /** Waits up to 3 minutes (a loaded machine) for the output to satisfy {@code done}; returns early on success. */
        void awaitOutput(java.util.function.Predicate<String> done) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (System.nanoTime() < deadline) {
                if (done.test(output())) {
                    return;
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("kubectl's output never matched; exit " + (process.isAlive() ? "none (running)"
                    : process.exitValue()) + "\nstdout: " + output() + "\nstderr: " + Files.readString(err));
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    Background start(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(binary());
        command.add("--kubeconfig=" + kubeconfig);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().put("HOME", workDir.toString());
        pb.environment().remove("KUBECONFIG");
        Path out = Files.createTempFile(workDir, "kubectl", ".out");
        Path err = Files.createTempFile(workDir, "kubectl", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        return new Background(pb.start(), out, err);
    }

    Result run(String... args) throws Exception {
        return runWithInput(null, args);
    }

    Result runWithInput(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(binary());
        command.add("--kubeconfig=" + kubeconfig);
        command.add("--request-timeout=60s");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().put("HOME", workDir.toString()); // kubectl's discovery cache goes here, not to ~/.kube
        pb.environment().remove("KUBECONFIG");
        Path out = Files.createTempFile(workDir, "kubectl", ".out");
        Path err = Files.createTempFile(workDir, "kubectl", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()) : ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        if (stdin != null) {
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 180 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
