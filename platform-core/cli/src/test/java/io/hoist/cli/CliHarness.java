package io.hoist.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs the real CLI in-process with a given environment and stdin, capturing both output streams. */
final class CliHarness {
    record Result(int code, String out, String err) {}

    private final Map<String, String> env;

    CliHarness(Map<String, String> env) {
        this.env = env;
    }

    Result run(String... args) {
        return runWithStdin("", args);
    }

    Result runWithStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new CliContext(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))),
                new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }
}
