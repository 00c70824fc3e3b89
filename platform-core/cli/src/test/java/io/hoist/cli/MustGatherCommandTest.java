package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.Platform;
import io.hoist.core.server.logging.Logging;
import io.hoist.core.store.ResourceStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hoist must-gather} against the real platform: the archive holds resources, inventory, plugins, version and
 * logs; --plan narrows it; and no Secret value (plain or base64), API token or scrape token appears anywhere in it,
 * even where a value leaked into the server log and a hook log.
 */
class MustGatherCommandTest {
    private static final String PASSWORD = "Hunter2-must-gather-9c1e";
    private static final String BASE64_ONLY = "b64-only-secret-value-42";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @TempDir
    Path out;

    @AfterEach
    void backToDefaults() {
        Logging.reset();
    }

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s);
    }

    private static String seed(ResourceStore store) throws Exception {
        store.create(ResourceKind.SECRET, json("""
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"creds","namespace":"demo"},
                 "data":{"user":"%s","password":"%s","token":"%s"}}""".formatted(
                b64("administrator@vsphere.local"), b64(PASSWORD), b64(BASE64_ONLY))));
        store.create(ResourceKind.PROVIDER, json("""
                {"apiVersion":"forklift.konveyor.io/v1beta1","kind":"Provider","metadata":{"name":"vcenter","namespace":"demo"},
                 "spec":{"type":"vsphere","url":"https://127.0.0.1:1/sdk","secret":{"name":"creds","namespace":"demo"}}}"""));
        ObjectNode plan = store.create(ResourceKind.PLAN, json("""
                {"apiVersion":"forklift.konveyor.io/v1beta1","kind":"Plan","metadata":{"name":"web","namespace":"demo"},
                 "spec":{"provider":{"source":{"name":"vcenter","namespace":"demo"},"destination":{"name":"host","namespace":"demo"}},
                         "vms":[{"id":"vm-1","name":"db-01"}]}}"""));
        store.create(ResourceKind.PLAN, json("""
                {"apiVersion":"forklift.konveyor.io/v1beta1","kind":"Plan","metadata":{"name":"other","namespace":"demo"},
                 "spec":{"provider":{"source":{"name":"vcenter","namespace":"demo"},"destination":{"name":"host","namespace":"demo"}},
                         "vms":[{"id":"vm-9"}]}}"""));
        store.create(ResourceKind.MIGRATION, json("""
                {"apiVersion":"forklift.konveyor.io/v1beta1","kind":"Migration","metadata":{"name":"web-1","namespace":"demo"},
                 "spec":{"plan":{"name":"web","namespace":"demo"}}}"""));
        return plan.path("metadata").path("uid").asText();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> untar(Path archive) throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(archive); var tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                String name = e.getName().substring(e.getName().indexOf('/') + 1); // drop the must-gather-<time>/ root
                entries.put(name, new String(tar.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }

    @Test
    void archiveHoldsWhatSupportNeedsAndNoSecret() throws Exception {
        Logging.configureServer(data, Logging.Format.TEXT, ch.qos.logback.classic.Level.OFF, Map.of());
        try (Platform platform = Platform.create(HoistServer.builder().port(0).namespaces("demo"), data).start()) {
            String planUid = seed(platform.server().store());
            String apiToken = Files.readString(data.resolve("token")).trim();
            // Leaks the gather must scrub: a careless plugin line in the server log, a hook printing its env.
            org.slf4j.LoggerFactory.getLogger("com.acme.careless").warn("connecting with password {}", PASSWORD);
            Path hookLog = data.resolve("logs/demo/web/" + planUid + "/vm-1/PostHook.log");
            Files.createDirectories(hookLog.getParent());
            Files.writeString(hookLog, "PostHook ran; TOKEN=" + BASE64_ONLY + " API=" + apiToken + "\n");

            CliHarness cli = new CliHarness(Map.of());
            Path all = out.resolve("all.tar.gz");
            var r = cli.run("must-gather", "-o", all.toString(), "--data-dir", data.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("wrote " + all);
            Map<String, String> entries = untar(all);
            assertThat(entries).containsKeys("resources/demo/secrets/creds.yaml", "resources/demo/providers/vcenter.yaml",
                    "resources/demo/plans/web.yaml", "resources/demo/plans/other.yaml", "resources/demo/migrations/web-1.yaml",
                    "plugins.json", "validation.json", "version.json", "logging.json", "logs/hoist.log",
                    "logs/demo/web/" + planUid + "/vm-1/PostHook.log");
            assertThat(entries.get("resources/demo/secrets/creds.yaml")).contains("password:", "user:", "token:", "<redacted>");
            assertThat(entries.get("logs/hoist.log")).contains("connecting with password <redacted>");
            assertThat(entries.get("version.json")).contains("\"pluginApi\"");
            assertThat(entries.get("validation.json")).contains("\"rulesVersion\"");
            for (var e : entries.entrySet()) {
                assertThat(e.getValue()).as(e.getKey()).doesNotContain(PASSWORD, b64(PASSWORD), BASE64_ONLY, b64(BASE64_ONLY),
                        apiToken);
            }

            Path targeted = out.resolve("web.tar.gz");
            var t = cli.run("must-gather", "-n", "demo", "--plan", "web", "-o", targeted.toString(), "--data-dir", data.toString());
            assertThat(t.code()).as(t.err()).isZero();
            Map<String, String> narrowed = untar(targeted);
            assertThat(narrowed).containsKeys("resources/demo/plans/web.yaml", "resources/demo/migrations/web-1.yaml",
                    "resources/demo/providers/vcenter.yaml", "resources/demo/secrets/creds.yaml",
                    "logs/demo/web/" + planUid + "/vm-1/PostHook.log");
            assertThat(narrowed).doesNotContainKey("resources/demo/plans/other.yaml");
        }
    }

    @Test
    void unreachableServerIsOneLineAndNonZero() {
        CliHarness cli = new CliHarness(Map.of());
        var r = cli.run("must-gather", "--server", "http://127.0.0.1:1", "--token", "x", "-o", out.resolve("x.tar.gz").toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err().strip()).startsWith("error: ").doesNotContain("\n");
        assertThat(out.resolve("x.tar.gz")).doesNotExist();
    }
}
