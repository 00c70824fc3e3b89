package io.hoist.core.server.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.PluginApi;
import io.hoist.core.server.AdmissionTestDouble;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.RunningServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party plugin jar dropped into DATA/plugins of a real HoistServer is discovered at start and
 * listed by {@code GET /api/v1/plugins} behind the server's bearer token.
 */
class PluginsOnHoistServerTest {
    @TempDir
    Path data;

    @Test
    void runningServerListsPluginFromDataDir() throws Exception {
        new PluginJarBuilder("northwind")
                .source("com.northwind.NorthwindSource", """
                        package com.northwind;
                        public class NorthwindSource implements io.hoist.api.provider.SourceProviderFactory {
                            public String type() { return "northwind"; }
                            public io.hoist.api.source.SourceProvider create(io.hoist.api.provider.ProviderConfig c,
                                    io.hoist.api.host.HostContext h) { throw new UnsupportedOperationException("demo"); }
                        }
                        """)
                .extension("com.northwind.NorthwindSource")
                .manifest("Plugin-Requires", PluginApi.VERSION)
                .buildInto(data.resolve("plugins"));
        PluginHost host = PluginHost.start(List.of(data.resolve("plugins")));
        HoistServer.Builder builder = HoistServer.builder().port(0).admission(new AdmissionTestDouble())
                .routes((router, ctx) -> new PluginRoutes(host).mount(router));
        try (host; RunningServer api = new RunningServer(builder, data)) {
            RunningServer.Reply reply = api.get(PluginRoutes.PATH);
            assertThat(reply.status()).isEqualTo(200);
            JsonNode plugin = reply.json().get("items").get(0);
            assertThat(plugin.get("id").asText()).isEqualTo("northwind");
            assertThat(plugin.get("state").asText()).isEqualTo("STARTED");
            assertThat(plugin.get("extensions").get(0).get("point").asText()).isEqualTo("SourceProviderFactory");
            assertThat(plugin.get("extensions").get(0).get("type").asText()).isEqualTo("northwind");

            RunningServer.Reply anonymous = api.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(api.server.url() + PluginRoutes.PATH)).build());
            assertThat(anonymous.status()).isEqualTo(401);
        }
    }
}
