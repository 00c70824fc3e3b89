package io.hoist.core.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The one place where Hoist's logging is configured (Logback behind SLF4J). {@code System.Logger} and
 * java.util.logging users (the engine, PF4J, plugins) reach the same appenders through the SLF4J bridges, so a
 * plugin's line lands in the server log under the plugin's own logger name.
 *
 * <ul>
 *   <li>CLI: stderr only, warnings and errors unless {@code -v} (info) or {@code -vv} (debug).</li>
 *   <li>Server: {@code DATA/logs/hoist.log} (rolled at 20 MiB, 5 kept) and stderr, text or JSON; the
 *       plan/migration/vm/step MDC keys appear on every line that concerns one.</li>
 *   <li>Per-logger levels at start ({@code --log-level io.hoist.core.engine=debug}) and at run time
 *       ({@link #setLevel}, served at {@code /api/v1/loggers}).</li>
 * </ul>
 */
public final class Logging {
    /** The server log, relative to the data directory. */
    public static final String LOG_FILE = "logs/hoist.log";

    public enum Format {
        TEXT, JSON;

        public static Format parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--log-format must be text or json, got '" + s + "'");
            }
        }
    }

    /**
     * What to set up: a log file (null: none), its format, the lowest level shown on stderr, and levels per
     * logger name (the root is "" or "root").
     */
    public record Setup(Path file, Format format, Level stderrThreshold, Map<String, Level> levels) {
        public Setup {
            format = format == null ? Format.TEXT : format;
            stderrThreshold = stderrThreshold == null ? Level.WARN : stderrThreshold;
            levels = Map.copyOf(levels == null ? Map.of() : levels);
        }
    }

    /** Text lines: time, level, thread, logger, the MDC (plan=… vm=…) when set, message. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36}%replace( {%mdc}){' \\{\\}', ''} - %msg%n%ex{short}";

    /** Libraries whose INFO chatter is noise for an operator. */
    private static final Map<String, Level> QUIET = Map.of("io.netty", Level.WARN, "io.vertx", Level.WARN,
            "org.pf4j", Level.WARN, "io.fabric8", Level.WARN,
            // Vert.x's Micrometer metrics register one event-bus gauge twice at start; Micrometer warns and ignores it.
            "io.micrometer.core.instrument.MeterRegistry", Level.ERROR);

    private Logging() {}

    /** The CLI's logging: stderr only; verbosity 0 = warnings, 1 = info, 2+ = debug. */
    public static void configureCli(int verbosity, Format format) {
        configure(new Setup(null, format, cliLevel(verbosity), Map.of("", cliLevel(verbosity))));
    }

    public static Level cliLevel(int verbosity) {
        return verbosity <= 0 ? Level.WARN : verbosity == 1 ? Level.INFO : Level.DEBUG;
    }

    /** The server's logging: {@code DATA/logs/hoist.log} plus stderr from {@code stderrThreshold} up. */
    public static Path configureServer(Path dataDir, Format format, Level stderrThreshold, Map<String, Level> levels) {
        Path file = dataDir.toAbsolutePath().resolve(LOG_FILE);
        configure(new Setup(file, format, stderrThreshold, levels));
        return file;
    }

    /** True while {@link #configure} runs: if that starts Logback, logback.xml is not read ({@link SkipXmlWhenReplaced}). */
    private static volatile boolean replacing;

    static boolean replacing() {
        return replacing;
    }

    /** Replaces the whole configuration (appenders and levels). */
    public static synchronized void configure(Setup setup) {
        LoggerContext ctx;
        replacing = true;
        try {
            ctx = context();
        } finally {
            replacing = false;
        }
        ctx.reset();
        installBridges(ctx);
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        QUIET.forEach((name, level) -> ctx.getLogger(name).setLevel(level));

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(ctx);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder(ctx, setup.format()));
        ThresholdFilter threshold = new ThresholdFilter();
        threshold.setLevel(setup.stderrThreshold().levelStr);
        threshold.start();
        stderr.addFilter(threshold);
        stderr.start();
        root.addAppender(stderr);

        if (setup.file() != null) {
            root.addAppender(fileAppender(ctx, setup.file(), setup.format()));
        }
        setup.levels().forEach((name, level) -> logger(ctx, name).setLevel(level));
    }

    /** Back to the built-in defaults (logback.xml on the class path: INFO and up on stderr), as at JVM start. */
    public static synchronized void reset() {
        LoggerContext ctx = context();
        ctx.reset();
        try {
            new ch.qos.logback.classic.util.ContextInitializer(ctx).autoConfig();
        } catch (ch.qos.logback.core.joran.spi.JoranException e) {
            throw new IllegalStateException("the built-in logback.xml is broken: " + e.getMessage(), e);
        }
    }

    /** Sets one logger's level at run time ({@code null} level: inherit from the parent again). */
    public static void setLevel(String loggerName, String level) {
        Level parsed = level == null ? null : parseLevel(level);
        logger(context(), loggerName).setLevel(parsed);
    }

    /** Loggers with a level set explicitly, name to level (root as "root"). */
    public static Map<String, String> levels() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Logger l : context().getLoggerList()) {
            if (l.getLevel() != null) {
                out.put(l.getName().equals(org.slf4j.Logger.ROOT_LOGGER_NAME) ? "root" : l.getName(), l.getLevel().levelStr);
            }
        }
        return out;
    }

    /** The level a logger actually uses (its own or inherited). */
    public static String effectiveLevel(String loggerName) {
        return logger(context(), loggerName).getEffectiveLevel().levelStr;
    }

    /** Parses TRACE/DEBUG/INFO/WARN/ERROR/OFF (any case); anything else is an error naming the value. */
    public static Level parseLevel(String level) {
        String l = level.trim().toUpperCase(Locale.ROOT);
        if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(l)) {
            throw new IllegalArgumentException("log level must be one of trace, debug, info, warn, error, off; got '"
                    + level + "'");
        }
        return Level.toLevel(l);
    }

    /** Parses {@code LOGGER=LEVEL} (a bare LEVEL sets the root). */
    public static Map.Entry<String, Level> parseLoggerLevel(String spec) {
        int eq = spec.lastIndexOf('=');
        String name = eq < 0 ? "" : spec.substring(0, eq).trim();
        return Map.entry(name, parseLevel(eq < 0 ? spec : spec.substring(eq + 1)));
    }

    private static Logger logger(LoggerContext ctx, String name) {
        return name == null || name.isBlank() || name.equalsIgnoreCase("root")
                ? ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) : ctx.getLogger(name);
    }

    private static RollingFileAppender<ILoggingEvent> fileAppender(LoggerContext ctx, Path file, Format format) {
        RollingFileAppender<ILoggingEvent> a = new RollingFileAppender<>();
        a.setContext(ctx);
        a.setName("file");
        a.setFile(file.toString());
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(ctx);
        rolling.setParent(a);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(5);
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(ctx);
        trigger.setMaxFileSize(FileSize.valueOf("20MB"));
        trigger.start();
        a.setRollingPolicy(rolling);
        a.setTriggeringPolicy(trigger);
        a.setEncoder(encoder(ctx, format));
        a.start();
        return a;
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext ctx, Format format) {
        if (format == Format.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(ctx);
            // One object a line: time, level, thread, logger, MDC (plan, migration, vm, step), the formatted message.
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(ctx);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }

    private static void installBridges(LoggerContext ctx) {
        // java.util.logging -> SLF4J; the propagator keeps JUL's levels in step so filtered records cost nothing.
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        LevelChangePropagator propagator = new LevelChangePropagator();
        propagator.setContext(ctx);
        propagator.setResetJUL(true);
        propagator.start();
        ctx.addListener(propagator);
    }

    private static LoggerContext context() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            return ctx;
        }
        throw new IllegalStateException("the SLF4J backend is not Logback: "
                + LoggerFactory.getILoggerFactory().getClass().getName() + " (another binding is on the class path)");
    }
}
