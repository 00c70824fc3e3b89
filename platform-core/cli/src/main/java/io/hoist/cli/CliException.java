package io.hoist.cli;

import java.util.List;

/**
 * A failure the CLI reports as one clear line (plus one {@code field: message} line per cause for a
 * rejected write) and a non-zero exit. Messages never contain the token or secret values.
 */
public class CliException extends RuntimeException {
    private final List<String> causes;

    public CliException(String message) {
        this(message, List.of());
    }

    public CliException(String message, List<String> causes) {
        super(message);
        this.causes = List.copyOf(causes);
    }

    /** {@code field: message} lines of a 422, printed instead of the message when present. */
    public List<String> causes() {
        return causes;
    }
}
