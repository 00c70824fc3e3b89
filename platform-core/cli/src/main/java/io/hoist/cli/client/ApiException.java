package io.hoist.cli.client;

import io.hoist.cli.CliException;
import java.util.List;

/** The server answered with an error Status; carries the HTTP code and the Status causes. */
public final class ApiException extends CliException {
    private final int status;
    private final String reason;

    public ApiException(int status, String reason, String message, List<String> causes) {
        super(message, causes);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    /** The Status reason (NotFound, AlreadyExists, Conflict, Invalid, ...), may be empty. */
    public String reason() {
        return reason;
    }
}
