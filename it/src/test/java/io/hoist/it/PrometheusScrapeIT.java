package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.cli.CliContext;
import io.hoist.cli.Main;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.Platform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real Prometheus scrapes Hoist after the OVA quick start: the platform is restarted on the quick start's
 * data directory (so this also proves counters are rebuilt from the store without double counting) and Prometheus'
 * HTTP API must answer MTV's queries: one succeeded OVA migration and a non-zero data-transferred gauge. The scrape
 * itself passes {@code promtool check metrics}.
 */
class PrometheusScrapeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void prometheusSeesTheQuickstartMigrationWithMtvNames(@TempDir Path tmp) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"quickstart", "--dir", tmp.toString(), "--disk-mib", "24", "--timeout", "240"},
                CliContext.system(), new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as("quickstart exit code; stdout: " + out + "\nstderr: " + err).isZero();

        Path data = tmp.resolve("data");
        String scrapeToken = "it-scrape-token-" + System.nanoTime();
        Path tokenFile = Files.createFile(data.resolve("metrics-token"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tokenFile, scrapeToken + "\n");

        try (Platform platform = Platform.create(HoistServer.builder().port(0), data).start()) {
            String target = URI.create(platform.server().url()).getAuthority();
            String scrape = http.send(HttpRequest.newBuilder(URI.create(platform.server().url() + "/metrics"))
                    .header("Authorization", "Bearer " + scrapeToken).build(), HttpResponse.BodyHandlers.ofString()).body();
            Promtool lint = Promtool.check(tmp, scrape);
            assertThat(lint.exitCode).as(lint.output).isZero();

            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path config = Files.writeString(tmp.resolve("prometheus.yml"), """
                    global: {scrape_interval: 1s, evaluation_interval: 1s}
                    scrape_configs:
                      - job_name: hoist
                        metrics_path: /metrics
                        authorization: {type: Bearer, credentials_file: %s}
                        static_configs: [{targets: ["%s"]}]
                    """.formatted(tokenFile, target));
            Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                    "--storage.tsdb.path=" + tmp.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
            try {
                String api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
                JsonNode succeeded = waitForResult(api, "mtv_migrations_status_total{status=\"Succeeded\",provider=\"ova\"}", tmp);
                assertThat(succeeded.get(0).path("value").get(1).asText()).isEqualTo("1");
                assertThat(succeeded.get(0).path("metric").path("mode").asText()).isEqualTo("Cold");
                assertThat(succeeded.get(0).path("metric").path("target").asText()).isEqualTo("Local");
                JsonNode bytes = waitForResult(api, "mtv_migration_data_transferred_bytes{provider=\"ova\"} > 0", tmp);
                assertThat(Double.parseDouble(bytes.get(0).path("value").get(1).asText())).isGreaterThanOrEqualTo(24.0 * 1024 * 1024);
                // Hoist's own, from the restarted platform's work: the OVA inventory collected again, store writes
                waitForResult(api, "hoist_inventory_collection_duration_seconds_count{provider_type=\"ova\",outcome=\"collected\"} >= 1", tmp);
                waitForResult(api, "hoist_store_write_duration_seconds_count{outcome=\"ok\"} > 0", tmp);
                JsonNode up = waitForResult(api, "up{job=\"hoist\"} == 1", tmp);
                assertThat(up).hasSize(1);
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor();
                }
            }
        }
    }

    private JsonNode waitForResult(String api, String query, Path tmp) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                last = r.body();
                JsonNode result = JSON.readTree(last).path("data").path("result");
                if (r.statusCode() == 200 && result.isArray() && !result.isEmpty()) {
                    return result;
                }
            } catch (java.io.IOException notUpYet) {
                last = notUpYet.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Prometheus never answered " + query + "; last reply: " + last + "\nlog:\n"
                + Files.readString(tmp.resolve("prometheus.log")));
    }

    /** promtool check metrics over a scrape. */
    private record Promtool(int exitCode, String output) {
        static Promtool check(Path dir, String scrape) throws Exception {
            Process p = new ProcessBuilder("promtool", "check", "metrics").directory(dir.toFile()).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write(scrape.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return new Promtool(p.exitValue(), output);
        }
    }
}
