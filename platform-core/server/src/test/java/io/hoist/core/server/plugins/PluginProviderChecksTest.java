package io.hoist.core.server.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.Platform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Core admission knows no provider type: a Provider's type-specific problems come from the plugin serving its
 * type (ability {@code ChecksProviderSpec}), loaded from DATA/plugins into a real {@link Platform}, and reach
 * the client as a 422 naming each field. A plugin built for API 2.0.0 (no such ability) still loads and its
 * Providers are admitted; a plugin whose check throws does not block writes.
 */
class PluginProviderChecksTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROVIDERS = "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/providers";

    @TempDir
    Path data;

    @Test
    void aPluginsSpecChecksAnswerAdmissionForItsTypeOnly() throws Exception {
        Path plugins = data.resolve("plugins");
        new PluginJarBuilder("northwind")
                .source("com.northwind.NorthwindFactory", """
                        package com.northwind;
                        import io.hoist.api.provider.*;
                        import java.util.*;
                        public class NorthwindFactory implements SourceProviderFactory, ChecksProviderSpec {
                            public String type() { return "northwind"; }
                            public List<FieldError> checkSpec(ProviderSpec spec) {
                                List<FieldError> out = new ArrayList<>();
                                if (!spec.url().startsWith("https://")) {
                                    out.add(new FieldError("spec.url", FieldError.Reason.INVALID, "must be https, got " + spec.url()));
                                }
                                if (spec.secretName().isEmpty()) {
                                    out.add(new FieldError("spec.secret.name", FieldError.Reason.REQUIRED, "the Northwind credentials"));
                                }
                                String region = spec.settings().get("region");
                                if (region != null && !region.equals("eu")) {
                                    out.add(new FieldError("spec.settings.region", FieldError.Reason.NOT_SUPPORTED, "only eu"));
                                }
                                return out;
                            }
                            public io.hoist.api.source.SourceProvider create(ProviderConfig c, io.hoist.api.host.HostContext h) {
                                throw new UnsupportedOperationException("admission only");
                            }
                        }
                        """)
                .extension("com.northwind.NorthwindFactory")
                .manifest("Plugin-Requires", io.hoist.api.PluginApi.VERSION)
                .buildInto(plugins);
        new PluginJarBuilder("legacy")
                .source("com.legacy.LegacyFactory", """
                        package com.legacy;
                        public class LegacyFactory implements io.hoist.api.provider.SourceProviderFactory {
                            public String type() { return "legacy"; }
                            public io.hoist.api.source.SourceProvider create(io.hoist.api.provider.ProviderConfig c,
                                    io.hoist.api.host.HostContext h) { throw new UnsupportedOperationException("admission only"); }
                        }
                        """)
                .extension("com.legacy.LegacyFactory")
                .manifest("Plugin-Requires", "2.0.0")
                .buildInto(plugins);
        new PluginJarBuilder("broken")
                .source("com.broken.BrokenFactory", """
                        package com.broken;
                        import io.hoist.api.provider.*;
                        public class BrokenFactory implements SourceProviderFactory, ChecksProviderSpec {
                            public String type() { return "broken"; }
                            public java.util.List<FieldError> checkSpec(ProviderSpec spec) { throw new IllegalStateException("bug"); }
                            public io.hoist.api.source.SourceProvider create(ProviderConfig c, io.hoist.api.host.HostContext h) {
                                throw new UnsupportedOperationException("admission only");
                            }
                        }
                        """)
                .extension("com.broken.BrokenFactory")
                .manifest("Plugin-Requires", io.hoist.api.PluginApi.VERSION)
                .buildInto(plugins);

        try (Platform platform = Platform.create(HoistServer.builder().admission(new MtvAdmission()).port(0)
                .namespaces("demo"), data).start()) {
            Api api = new Api(platform.server().url(), Files.readString(data.resolve("token")).trim());

            HttpResponse<String> bad = api.post(provider("bad", "northwind",
                    "http://user:s3cret@northwind.example.com", null, "{\"region\":\"us\"}"));
            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(422);
            JsonNode status = JSON.readTree(bad.body());
            assertThat(status.get("kind").asText()).isEqualTo("Status");
            JsonNode causes = status.at("/details/causes");
            assertThat(causes.findValuesAsText("field"))
                    .containsExactly("spec.url", "spec.secret.name", "spec.settings.region");
            assertThat(causes.findValuesAsText("reason"))
                    .containsExactly("FieldValueInvalid", "FieldValueRequired", "FieldValueNotSupported");
            assertThat(bad.body()).doesNotContain("s3cret");
            assertThat(api.get(PROVIDERS + "/bad").statusCode()).isEqualTo(404);

            HttpResponse<String> good = api.post(provider("good", "northwind", "https://northwind.example.com",
                    "nw-creds", "{\"region\":\"eu\"}"));
            assertThat(good.statusCode()).as(good.body()).isEqualTo(201);

            // northwind's checks are not another type's: the 2.0.0 plugin's Provider is admitted as it is
            HttpResponse<String> legacy = api.post(provider("old", "legacy", "http://anything", null, "{}"));
            assertThat(legacy.statusCode()).as(legacy.body()).isEqualTo(201);
            // a plugin whose check fails does not block writes of its type
            HttpResponse<String> broken = api.post(provider("b", "broken", "", null, "{}"));
            assertThat(broken.statusCode()).as(broken.body()).isEqualTo(201);
        }
    }

    static String provider(String name, String type, String url, String secret, String settings) {
        return """
                {"apiVersion":"forklift.konveyor.io/v1beta1","kind":"Provider","metadata":{"name":"%s","namespace":"demo"},
                 "spec":{"type":"%s","url":"%s",%s"settings":%s}}""".formatted(name, type, url,
                "\"secret\":{" + (secret == null ? "" : "\"name\":\"" + secret + "\",") + "\"namespace\":\"demo\"},", settings);
    }

    record Api(String base, String token, HttpClient http) {
        Api(String base, String token) {
            this(base, token, HttpClient.newHttpClient());
        }

        HttpResponse<String> post(String body) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(base + PROVIDERS)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void checksOfOnePluginAnsweringTwiceAreReportedOnce() {
        io.hoist.api.provider.ChecksProviderSpec twice = new io.hoist.api.provider.ChecksProviderSpec() {
            public String type() { return "dup"; }
            public List<io.hoist.api.provider.FieldError> checkSpec(io.hoist.api.provider.ProviderSpec spec) {
                return List.of(new io.hoist.api.provider.FieldError("spec.url", io.hoist.api.provider.FieldError.Reason.REQUIRED, "needed"));
            }
        };
        var p = new io.hoist.core.model.resource.Provider();
        p.spec = new io.hoist.core.model.resource.Provider.Spec();
        p.spec.type = "dup";
        assertThat(new PluginProviderChecks(() -> List.of(twice, twice)).check(p)).hasSize(1)
                .first().satisfies(c -> assertThat(c.reason()).isEqualTo("FieldValueRequired"));
    }
}
