package io.hoist.plugin.openstack.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.provider.ProviderConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real OpenStack of {@code testbeds/openstack}: {@link #get()} runs its {@code start.sh} (which returns at
 * once when the testbed already runs, as under {@code ./test.sh}, and otherwise starts it: minutes) and reads
 * its {@code testbed.json}. Also an admin's REST calls, for what tests check or change behind the plugin's back.
 */
public final class OpenstackTestbed {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A fresh CI machine installs ~350 packages first; a loaded one took 22 min to start. */
    private static final long START_TIMEOUT_MINUTES = 45;
    private static OpenstackTestbed instance;

    public final JsonNode state;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String adminToken;

    private OpenstackTestbed(JsonNode state) {
        this.state = state;
    }

    public static synchronized OpenstackTestbed get() {
        if (instance == null) {
            String dir = System.getProperty("hoist.openstack.testbed");
            if (dir == null) {
                throw new IllegalStateException("system property hoist.openstack.testbed (testbeds/openstack) is not set");
            }
            // under ./test.sh the testbed is installed and started in the background from the beginning: wait for
            // that start (minutes on a fresh machine) and never start a second one if it failed
            String background = System.getenv("HOIST_OPENSTACK_START_LOG");
            try {
                Path log = Files.createTempFile("hoist-openstack-start", ".log");
                Process p = new ProcessBuilder(background == null ? List.of(dir + "/start.sh") : List.of(dir + "/start.sh", "--wait"))
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(START_TIMEOUT_MINUTES, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException("the OpenStack testbed is not up (testbeds/openstack/start.sh"
                            + (background == null ? "" : " in the background, log " + background) + "):\n"
                            + Files.readString(log) + (background == null ? "" : tail(Path.of(background), 40)));
                }
                // start.sh prints the state file's path last on stdout (its progress goes to stderr)
                Path stateFile = Files.readAllLines(log).reversed().stream().map(String::trim)
                        .filter(l -> l.endsWith("testbed.json")).findFirst().map(Path::of)
                        .orElseThrow(() -> new IllegalStateException("start.sh named no testbed.json: " + log));
                instance = new OpenstackTestbed(JSON.readTree(stateFile.toFile()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return "\n--- last lines of " + log + ":\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "\n(" + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    public String text(String field) {
        return state.path(field).asText();
    }

    public String serverId(String name) {
        return state.path("servers").path(name).asText();
    }

    public String volumeId(String name) {
        return state.path("volumes").path(name).asText();
    }

    public Path volumeFile(String name) {
        return Path.of(state.path("volumeFiles").path(name).asText());
    }

    /**
     * The file a volume's data lives in now: the raw {@code volume-<id>} until a snapshot, then the qcow2 overlay
     * Cinder's NFS driver names in {@code volume-<id>.info}.
     */
    public Path activeVolumeFile(String volumeName) throws IOException {
        Path base = volumeFile(volumeName);
        Path info = base.resolveSibling(base.getFileName() + ".info");
        if (!Files.exists(info)) {
            return base;
        }
        return base.resolveSibling(JSON.readTree(info.toFile()).path("active").asText());
    }

    /** Writes bytes into a volume through its file on the NFS share (qemu-io: raw or qcow2 alike). */
    public void writeVolume(String volumeName, long offset, byte[] data) throws IOException, InterruptedException {
        Path active = activeVolumeFile(volumeName);
        Path src = Files.createTempFile("hoist-volume-bytes", ".bin");
        try {
            Files.write(src, data);
            String fmt = active.equals(volumeFile(volumeName)) ? "raw" : "qcow2";
            run("qemu-io", "-f", fmt, "-c", "write -s " + src + " " + offset + " " + data.length, active.toString());
        } finally {
            Files.deleteIfExists(src);
        }
    }

    /** The volume's whole virtual disk as a raw file (what a byte-identical copy must equal). */
    public Path volumeAsRaw(String volumeName, Path dir) throws IOException, InterruptedException {
        Path active = activeVolumeFile(volumeName);
        Path out = dir.resolve(volumeName + ".expected.raw");
        run("qemu-img", "convert", "-O", "raw", active.toString(), out.toString());
        return out;
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0 || out.contains("error") || out.contains("Error")) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** The provider of user hoist in project hoist, with {@code overrides} merged into its Secret (null removes). */
    public ProviderConfig provider(Map<String, String> overrides) {
        return provider(text("authUrl"), overrides);
    }

    public ProviderConfig provider(String url, Map<String, String> overrides) {
        Map<String, String> secret = new HashMap<>(Map.of("username", text("username"), "password", text("password"),
                "projectName", text("project"), "domainName", text("domain"), "regionName", text("region")));
        overrides.forEach((k, v) -> {
            if (v == null) {
                secret.remove(k);
            } else {
                secret.put(k, v);
            }
        });
        return new ProviderConfig(UUID.randomUUID().toString(), "hoist", "openstack", "openstack", url,
                Map.of("inventoryRefreshSeconds", "1"), secret);
    }

    // ---------------------------------------------------------------- the admin's own calls

    /** A token of user admin in project hoist (an operator acting behind Hoist's back). */
    public synchronized String adminToken() {
        if (adminToken == null) {
            adminToken = token(text("adminUsername"), text("adminPassword"), text("project"));
        }
        return adminToken;
    }

    /** A fresh password token of a user in a project. */
    public String token(String user, String password, String project) {
        String body = """
                {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"id":"default"},
                "password":"%s"}}},"scope":{"project":{"name":"%s","domain":{"id":"default"}}}}}"""
                .formatted(user, password, project);
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(text("authUrl") + "/auth/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        if (r.statusCode() != 201) {
            throw new IllegalStateException("login of " + user + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.headers().firstValue("X-Subject-Token").orElseThrow();
    }

    /** Revokes a token (what an expiry does to a running download). */
    public void revoke(String token) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(text("authUrl") + "/auth/tokens"))
                .header("X-Auth-Token", adminToken()).header("X-Subject-Token", token).DELETE());
        if (r.statusCode() != 204) {
            throw new IllegalStateException("revoke: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    /** An admin's call to a service on 127.0.0.1 ({@code port}: 8774 Nova, 8776 Cinder, 9292 Glance, 9696 Neutron). */
    public JsonNode call(String method, int port, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Auth-Token", adminToken()).header("Content-Type", "application/json")
                .header("X-OpenStack-Nova-API-Version", "2.53")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = send(b);
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        try {
            return r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String cinder(String path) {
        return "/v3/" + text("projectId") + path;
    }

    /** The plugin's temporary objects are named hoist-<id of what they copy>. */
    private static boolean temporary(String name) {
        return name.matches("hoist-[0-9a-f]{8}-[0-9a-f-]{27}");
    }

    /** The images, volumes and snapshots a migration makes (hoist-<uuid>) and every snapshot, as the admin lists them. */
    public List<String> leftovers() {
        List<String> out = new ArrayList<>();
        for (JsonNode i : call("GET", 9292, "/v2/images", null).path("images")) {
            if (temporary(i.path("name").asText())) {
                out.add("image " + i.path("name").asText() + " " + i.path("status").asText());
            }
        }
        for (JsonNode v : call("GET", 8776, cinder("/volumes/detail?all_tenants=1"), null).path("volumes")) {
            String name = v.path("name").asText();
            if (temporary(name)) {
                out.add("volume " + name + " " + v.path("status").asText());
            }
        }
        for (JsonNode s : call("GET", 8776, cinder("/snapshots/detail?all_tenants=1"), null).path("snapshots")) {
            out.add("snapshot " + s.path("name").asText() + " " + s.path("status").asText());
        }
        return out;
    }

    /** Uploads bytes into a queued image (what a hypervisor does for a server snapshot; FakeDriver does not). */
    public void uploadImage(String imageId, byte[] data) {
        // a hypervisor's snapshot sets the formats first (FakeDriver leaves them empty)
        HttpResponse<String> patched = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9292/v2/images/" + imageId))
                .header("X-Auth-Token", adminToken()).header("Content-Type", "application/openstack-images-v2.1-json-patch")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("""
                        [{"op":"add","path":"/disk_format","value":"raw"},{"op":"add","path":"/container_format","value":"bare"}]""")));
        if (patched.statusCode() != 200) {
            throw new IllegalStateException("formats of image " + imageId + ": HTTP " + patched.statusCode() + " " + patched.body());
        }
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9292/v2/images/" + imageId + "/file"))
                .header("X-Auth-Token", adminToken()).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data)));
        if (r.statusCode() != 204) {
            throw new IllegalStateException("upload to image " + imageId + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
