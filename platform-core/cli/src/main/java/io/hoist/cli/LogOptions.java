package io.hoist.cli;

import io.hoist.core.server.logging.Logging;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The logging options every command takes ({@code -v}, {@code --log-format}, {@code --log-level}), read from the
 * parse result before the command runs; the CLI logs warnings and errors to stderr unless {@code -v}.
 */
public record LogOptions(int verbosity, Logging.Format format, Map<String, ch.qos.logback.classic.Level> levels) {
    private static volatile LogOptions current = new LogOptions(0, Logging.Format.TEXT, Map.of());

    /** The options themselves, mixed into every command (picocli's INHERIT would clash with policy's own -v). */
    public static final class Mixin {
        @CommandLine.Option(names = {"-v", "--verbose"}, description = "Log more to stderr: -v info, -vv debug.")
        boolean[] verbose = new boolean[0];

        @CommandLine.Option(names = "--log-format", paramLabel = "text|json", description = "Log line format (default: text).")
        String logFormat;

        @CommandLine.Option(names = "--log-level", paramLabel = "LOGGER=LEVEL",
                description = "Level of one logger (package), e.g. io.hoist.core.engine=debug; repeatable.")
        List<String> logLevels;
    }

    /** Adds the logging options to a command and its subcommands, leaving out any name a command already uses. */
    static void addTo(CommandLine cmd) {
        CommandLine.Model.CommandSpec spec = cmd.getCommandSpec();
        boolean clash = java.util.stream.Stream.of("-v", "--verbose", "--log-format", "--log-level")
                .anyMatch(n -> spec.findOption(n) != null);
        if (!clash && !spec.name().equals("help")) {
            cmd.addMixin("logging", new Mixin());
        }
        cmd.getSubcommands().values().forEach(LogOptions::addTo);
    }

    /** The options of the command line being run (defaults before one was parsed). */
    public static LogOptions current() {
        return current;
    }

    /** Reads the options wherever on the command line they were given, and configures CLI logging. */
    static LogOptions apply(ParseResult parsed) {
        int verbosity = 0;
        Logging.Format format = Logging.Format.TEXT;
        Map<String, ch.qos.logback.classic.Level> levels = new LinkedHashMap<>();
        for (ParseResult pr = parsed; pr != null; pr = pr.subcommand()) {
            // A subcommand with a -v of its own (policy test) keeps it: only the logging -v (a count) is ours.
            CommandLine.Model.OptionSpec v = pr.matchedOption("--verbose");
            if (v != null && v.type() == boolean[].class) {
                verbosity += ((boolean[]) v.getValue()).length;
            }
            String f = pr.matchedOptionValue("--log-format", null);
            if (f != null) {
                format = parse(pr, () -> Logging.Format.parse(f));
            }
            List<String> specs = pr.matchedOptionValue("--log-level", List.of());
            for (String spec : specs) {
                var e = parse(pr, () -> Logging.parseLoggerLevel(spec));
                levels.put(e.getKey(), e.getValue());
            }
        }
        LogOptions options = new LogOptions(verbosity, format, levels);
        current = options;
        Logging.configureCli(verbosity, format);
        levels.forEach((name, level) -> Logging.setLevel(name, level.levelStr));
        return options;
    }

    private static <T> T parse(ParseResult pr, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(pr.commandSpec().commandLine(), e.getMessage());
        }
    }
}
