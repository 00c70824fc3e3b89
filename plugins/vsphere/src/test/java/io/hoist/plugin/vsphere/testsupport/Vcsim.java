package io.hoist.plugin.vsphere.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real govmomi vCenter simulator (testbeds/vcsim/hoist-vcsim) on a free port, one per test class.
 * Built by testbeds/vcsim/build.sh; the process exits when this JVM closes its stdin.
 */
public final class Vcsim implements AutoCloseable {
    public static final String USER = "hoist";
    public static final String PASSWORD = "s3cret-Pa55-for-vcsim";

    public final String url;
    public final Path caFile;
    public final Path unrelatedCaFile;
    public final String thumbprint;
    public final int vms;
    public final int hosts;
    /** Datastore name → its local directory (where the simulator keeps the datastore's files). */
    public final java.util.Map<String, Path> datastoreDirs = new java.util.HashMap<>();
    private final Process process;

    private Vcsim(Process p, String json) {
        this.process = p;
        this.url = field(json, "url");
        this.caFile = Path.of(field(json, "caFile"));
        this.unrelatedCaFile = Path.of(field(json, "unrelatedCaFile"));
        this.thumbprint = field(json, "thumbprint");
        this.vms = Integer.parseInt(field(json, "vms"));
        this.hosts = Integer.parseInt(field(json, "hosts"));
        for (String pair : field(json, "datastoreDirs").split(";")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2) {
                datastoreDirs.put(kv[0], Path.of(kv[1]));
            }
        }
    }

    /** Starts the simulator with extra flags (e.g. {@code -vm 3 -cbt}). */
    public static Vcsim start(String... flags) throws IOException {
        String bin = System.getProperty("hoist.vcsim.binary");
        if (bin == null || !Files.isExecutable(Path.of(bin))) {
            throw new IllegalStateException("vcsim binary missing (" + bin + "): run testbeds/vcsim/build.sh first");
        }
        List<String> cmd = new ArrayList<>(List.of(bin, "-username", USER));
        cmd.addAll(List.of(flags));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("HOIST_VCSIM_PASSWORD", PASSWORD); // not on the command line
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("{")) {
            p.destroyForcibly();
            throw new IOException("vcsim did not start: " + line);
        }
        return new Vcsim(p, line);
    }

    public String caPem() throws IOException {
        return Files.readString(caFile);
    }

    public String unrelatedCaPem() throws IOException {
        return Files.readString(unrelatedCaFile);
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
