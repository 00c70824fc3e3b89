package io.hoist.core.server.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.core.inventory.ProviderRef;
import io.hoist.core.server.AdmissionTestDouble;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.Platform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party provider plugin, built at test time, ships its default Rego package through the optional
 * ShipsValidationRules ability: the platform lists and compiles it, serves it on OPA's data API, and validates
 * the plugin's VMs with it, exactly as for a built-in provider.
 */
class PluginValidationRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aThirdPartyPluginsRulesValidateItsVms() throws Exception {
        new PluginJarBuilder("acme-cloud")
                .source("com.acme.AcmeCloudFactory", """
                        package com.acme;
                        import io.hoist.api.host.HostContext;
                        import io.hoist.api.provider.ProviderConfig;
                        import io.hoist.api.provider.SourceProviderFactory;
                        import io.hoist.api.source.SourceProvider;
                        import io.hoist.api.validation.ShipsValidationRules;
                        import io.hoist.api.validation.ValidationRules;
                        import java.util.List;
                        import org.pf4j.Extension;
                        @Extension
                        public class AcmeCloudFactory implements SourceProviderFactory, ShipsValidationRules {
                            public String type() { return "acmecloud"; }
                            public SourceProvider create(ProviderConfig config, HostContext context) {
                                throw new UnsupportedOperationException("inventory only in this test");
                            }
                            public ValidationRules validationRules() {
                                return new ValidationRules("acmecloud", "rules/acmecloud", List.of("validate.rego", "cpus.rego"));
                            }
                        }
                        """)
                .extension("com.acme.AcmeCloudFactory")
                .manifest("Plugin-Requires", io.hoist.api.PluginApi.VERSION)
                .resource("rules/acmecloud/validate.rego", """
                        package io.konveyor.forklift.acmecloud
                        import rego.v1
                        RULES_VERSION := 3
                        rules_version := {"rules_version": RULES_VERSION}
                        validate := {"rules_version": RULES_VERSION, "errors": [], "concerns": concerns}
                        """)
                .resource("rules/acmecloud/cpus.rego", """
                        package io.konveyor.forklift.acmecloud
                        import rego.v1
                        concerns contains {"id": "acmecloud.cpus", "category": "Warning", "label": "Many CPUs",
                        	"assessment": sprintf("%d vCPUs", [input.cpus],)} if input.cpus > 8
                        """)
                .buildInto(dir.resolve("plugins"));

        try (Platform platform = Platform.create(HoistServer.builder().admission(new AdmissionTestDouble()).port(0), dir).start()) {
            String token = Files.readString(dir.resolve("token")).trim();
            HttpClient http = HttpClient.newHttpClient();
            JsonNode rules = send(http, platform, token, "GET", "/v1/validation/rules", null);
            assertThat(rules.at("/acmecloud/providerType").asText()).isEqualTo("acmecloud");
            assertThat(rules.at("/acmecloud/rulesVersion").asText()).isEqualTo("3");
            assertThat(rules.at("/acmecloud/files").toString()).contains("plugin acme-cloud/cpus.rego");
            // the built-in packages are still there
            assertThat(rules.has("vmware")).isTrue();

            JsonNode answer = send(http, platform, token, "POST", "/v1/data/io/konveyor/forklift/acmecloud/validate",
                    "{\"input\": {\"name\": \"big\", \"cpus\": 16}}");
            assertThat(answer.at("/result/concerns/0/assessment").asText()).isEqualTo("16 vCPUs");

            InventoryPublisher pub = platform.inventory().register(new ProviderRef("uid-acme", "demo", "acme", "acmecloud"));
            pub.beginCollection();
            pub.put("vms", "vm-1", "big", Map.of("name", "big", "cpus", 16));
            pub.endCollection();
            long end = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            Object concerns = null;
            while (System.nanoTime() < end) {
                concerns = platform.inventory().get("uid-acme", "vms", "vm-1").orElseThrow().get("concerns");
                if (concerns instanceof List<?> l && !l.isEmpty()) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(JSON.valueToTree(concerns).findValuesAsText("id")).containsExactly("acmecloud.cpus");
        }
    }

    private static JsonNode send(HttpClient http, Platform platform, String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(platform.server().url() + path)).header("Authorization", "Bearer " + token);
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
