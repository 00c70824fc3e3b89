package io.hoist.cli;

import java.io.InputStream;
import java.util.Map;

/** What a command reads from its process: environment and standard input (replaceable in tests). */
public record CliContext(Map<String, String> env, InputStream stdin) {
    public CliContext {
        env = Map.copyOf(env);
    }

    public static CliContext system() {
        return new CliContext(System.getenv(), System.in);
    }
}
