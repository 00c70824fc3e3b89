package io.hoist.core.server.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Levels per logger at start and at run time, the MDC on text lines, and clear errors for bad values. */
class LoggingTest {
    @TempDir
    Path dir;

    @AfterEach
    void backToDefaults() {
        Logging.reset();
    }

    @Test
    void levelsPerPackageApplyAtStartAndAtRunTime() throws Exception {
        Path log = Logging.configureServer(dir, Logging.Format.TEXT, ch.qos.logback.classic.Level.OFF,
                Map.of("com.example.chatty", ch.qos.logback.classic.Level.DEBUG));
        LoggerFactory.getLogger("com.example.chatty.Engine").debug("debug shown");
        LoggerFactory.getLogger("com.example.quiet.Engine").debug("debug hidden");
        Logging.setLevel("com.example.quiet", "debug");
        LoggerFactory.getLogger("com.example.quiet.Engine").debug("debug now shown");
        assertThat(Logging.levels()).containsEntry("com.example.quiet", "DEBUG").containsEntry("root", "INFO");
        assertThat(Logging.effectiveLevel("com.example.quiet.Engine")).isEqualTo("DEBUG");
        String text = Files.readString(log);
        assertThat(text).contains("debug shown", "debug now shown").doesNotContain("debug hidden");
    }

    @Test
    void textLinesCarryThePlanAndVmOfTheirMdc() throws Exception {
        Path log = Logging.configureServer(dir, Logging.Format.TEXT, ch.qos.logback.classic.Level.OFF, Map.of());
        try (var plan = MDC.putCloseable("plan", "demo/p1"); var vm = MDC.putCloseable("vm", "vm-7")) {
            LoggerFactory.getLogger("io.hoist.test").info("copying");
        }
        LoggerFactory.getLogger("io.hoist.test").info("no context");
        String text = Files.readString(log);
        assertThat(text).containsPattern("io\\.hoist\\.test \\{(plan=demo/p1, vm=vm-7|vm=vm-7, plan=demo/p1)\\} - copying");
        assertThat(text).containsPattern("io\\.hoist\\.test - no context");
    }

    @Test
    void badLevelsAndFormatsAreNamed() {
        assertThatThrownBy(() -> Logging.parseLoggerLevel("io.hoist=loud")).hasMessageContaining("'loud'");
        assertThatThrownBy(() -> Logging.Format.parse("xml")).hasMessageContaining("--log-format").hasMessageContaining("xml");
        assertThat(Logging.parseLoggerLevel("warn")).isEqualTo(Map.entry("", ch.qos.logback.classic.Level.WARN));
    }
}
