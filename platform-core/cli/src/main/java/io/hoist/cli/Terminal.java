package io.hoist.cli;

import java.io.Console;
import java.util.Map;

/**
 * What the CLI may assume about its standard output: redraw and colour only when a person watches a terminal.
 * {@code System.console()} is not null on a pipe since Java 22, so the test is {@link Console#isTerminal()}.
 */
public record Terminal(boolean interactive, boolean colour) {
    /** Colour on a terminal unless {@code NO_COLOR} is set (no-color.org) or {@code TERM=dumb}. */
    public static Terminal detect(Map<String, String> env) {
        Console console = System.console();
        boolean tty = console != null && console.isTerminal();
        boolean colour = tty && env.getOrDefault("NO_COLOR", "").isEmpty() && !"dumb".equals(env.get("TERM"));
        return new Terminal(tty, colour);
    }

    /** Text in red when colour is allowed. */
    public String red(String text) {
        return colour ? "\033[31m" + text + "\033[0m" : text;
    }

    public String bold(String text) {
        return colour ? "\033[1m" + text + "\033[0m" : text;
    }

    /** Cursor home and clear screen: the start of a redrawn frame. */
    public static final String CLEAR = "\033[H\033[2J";
}
