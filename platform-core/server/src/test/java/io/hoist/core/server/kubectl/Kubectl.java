package io.hoist.core.server.kubectl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl (from PATH; Debian: kubernetes-client) pointed at a Hoist server with its own kubeconfig, and
 * the TLS material that server needs: kubectl never sends a bearer token over plain http.
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

    /** A self-signed certificate for 127.0.0.1 made with the JDK's keytool, written as PEM (cert, PKCS#8 key). */
    static void selfSignedCertificate(Path dir, Path certPem, Path keyPem) throws Exception {
        Path store = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "hoist", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "bc:c", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "test-only", "-keypass", "test-only")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("keytool failed: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, "test-only".toCharArray());
        }
        Certificate cert = ks.getCertificate("hoist");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", ks.getKey("hoist", "test-only".toCharArray()).getEncoded()));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
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
