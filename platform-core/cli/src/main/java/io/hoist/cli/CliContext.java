package io.hoist.cli;

import java.io.InputStream;
import java.util.Map;

/**
 * What a command reads from its process: environment, standard input and whether standard output is a
 * terminal (replaceable in tests).
 */
public record CliContext(Map<String, String> env, InputStream stdin, Terminal terminal) {
    public CliContext {
        env = Map.copyOf(env);
    }

    /** A context whose output is not a terminal (no redraw, no colour): pipes, files, tests. */
    public CliContext(Map<String, String> env, InputStream stdin) {
        this(env, stdin, new Terminal(false, false));
    }

    public static CliContext system() {
        return new CliContext(System.getenv(), System.in, Terminal.detect(System.getenv()));
    }
}
