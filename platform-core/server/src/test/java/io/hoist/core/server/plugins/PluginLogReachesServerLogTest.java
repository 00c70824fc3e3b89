package io.hoist.core.server.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.PluginApi;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.Platform;
import io.hoist.core.server.logging.Logging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party plugin logging through the JDK's System.Logger (no logging dependency of its own) lands in the
 * server log, DATA/logs/hoist.log, under the plugin's own logger name, in text and in JSON.
 */
class PluginLogReachesServerLogTest {
    private static final String LOGGING_PLUGIN = """
            package com.acme.logging;

            public class LoggingPlugin extends org.pf4j.Plugin {
                private static final System.Logger LOG = System.getLogger(LoggingPlugin.class.getName());

                @Override
                public void start() {
                    LOG.log(System.Logger.Level.INFO, "acme plugin says hello from {0}", "start");
                }
            }
            """;

    @TempDir
    Path dir;

    @AfterEach
    void backToDefaults() {
        Logging.reset();
    }

    private Path startPlatformWithLoggingPlugin(Logging.Format format) throws Exception {
        Path data = dir.resolve("data");
        new PluginJarBuilder("acme-logging")
                .source("com.acme.logging.LoggingPlugin", LOGGING_PLUGIN)
                .manifest("Plugin-Class", "com.acme.logging.LoggingPlugin")
                .manifest("Plugin-Requires", PluginApi.VERSION)
                .buildInto(data.resolve("plugins"));
        Path log = Logging.configureServer(data, format, ch.qos.logback.classic.Level.ERROR, Map.of());
        try (Platform platform = Platform.create(HoistServer.builder().port(0), data).start()) {
            assertThat(platform.server().port()).isPositive();
        }
        return log;
    }

    @Test
    void pluginLineIsInTheServerLogUnderThePluginsLoggerName() throws Exception {
        Path log = startPlatformWithLoggingPlugin(Logging.Format.TEXT);
        assertThat(log).isEqualTo(dir.resolve("data/logs/hoist.log"));
        String text = Files.readString(log);
        assertThat(text).containsPattern("INFO .*com\\.acme\\.logging\\.LoggingPlugin - acme plugin says hello from start");
        // the server's own lines are there too
        assertThat(text).contains("hoist API listening on http://127.0.0.1:");
    }

    @Test
    void jsonFormatWritesOneObjectPerLineWithLoggerAndMessage() throws Exception {
        Path log = startPlatformWithLoggingPlugin(Logging.Format.JSON);
        ObjectMapper json = new ObjectMapper();
        JsonNode plugin = null;
        for (String line : Files.readAllLines(log)) {
            JsonNode n = json.readTree(line); // every line parses
            if ("com.acme.logging.LoggingPlugin".equals(n.path("loggerName").asText())) {
                plugin = n;
            }
        }
        assertThat(plugin).as("the plugin's line in " + log).isNotNull();
        assertThat(plugin.path("level").asText()).isEqualTo("INFO");
        assertThat(plugin.path("formattedMessage").asText()).isEqualTo("acme plugin says hello from start");
    }
}
