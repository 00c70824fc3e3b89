package io.hoist.core.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/monitoring passes promtool: the scrape config, the alert rules and the rules' unit tests. */
class MonitoringExamplesTest {
    static final Path EXAMPLES = Path.of(System.getProperty("hoist.repo.root", "../..")).toAbsolutePath().normalize()
            .resolve("examples/monitoring");

    @TempDir
    Path tmp;

    @Test
    void scrapeConfigIsValid() throws Exception {
        // The example points at /var/lib/hoist/metrics-token; promtool wants the file to exist.
        Path token = Files.writeString(tmp.resolve("metrics-token"), "scrape-token-for-promtool\n");
        Files.writeString(tmp.resolve("prometheus.yml"), Files.readString(EXAMPLES.resolve("prometheus.yml"))
                .replace("/var/lib/hoist/metrics-token", token.toString()));
        Files.copy(EXAMPLES.resolve("alerts.yml"), tmp.resolve("alerts.yml"));
        var r = Promtool.run(tmp, null, "check", "config", "prometheus.yml");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 1 rule files found");
    }

    @Test
    void alertRulesAreValidAndFireOnTheirSeries() throws Exception {
        var check = Promtool.run(EXAMPLES, null, "check", "rules", "alerts.yml");
        assertThat(check.exitCode()).as(check.output()).isZero();
        var test = Promtool.run(EXAMPLES, null, "test", "rules", "alerts-test.yml");
        assertThat(test.exitCode()).as(test.output()).isZero();
    }

    @Test
    void grafanaDashboardIsJsonOnMtvMetrics() throws Exception {
        var dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(EXAMPLES.resolve("grafana-dashboard.json").toFile());
        assertThat(dashboard.findValuesAsText("expr")).anyMatch(e -> e.contains("mtv_plans_status"))
                .anyMatch(e -> e.contains("mtv_migration_data_transferred_bytes"));
    }
}
