package io.hoist.core.validation.rules;

/** A rule set was refused (syntax error, wrong package, conflicting rules); the message names files and lines. */
public final class RuleSetException extends RuntimeException {
    public RuleSetException(String message) {
        super(message);
    }

    public RuleSetException(String message, Throwable cause) {
        super(message, cause);
    }
}
