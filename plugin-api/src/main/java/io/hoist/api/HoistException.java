package io.hoist.api;

/**
 * Every failure a plugin reports carries a code and a type, so the engine can decide what to do
 * (retry a source outage, surface a user error as a condition, fail the VM on an internal error)
 * without parsing messages. Messages must never contain secrets.
 */
public class HoistException extends RuntimeException {
    /** What kind of failure this is; decides retry and presentation. */
    public enum Type {
        /** The user's input or configuration is wrong: not retried. */
        USER_ERROR,
        /** The source or target is unreachable or busy: retried with backoff. */
        UNAVAILABLE,
        /** Authentication or authorization failed: not retried. */
        AUTH,
        /** The plugin does not support what was asked. */
        NOT_SUPPORTED,
        /** A bug or unexpected state. */
        INTERNAL
    }

    private final Type type;
    private final String code;

    public HoistException(Type type, String code, String message) {
        super(message);
        this.type = type;
        this.code = code;
    }

    public HoistException(Type type, String code, String message, Throwable cause) {
        super(message, cause);
        this.type = type;
        this.code = code;
    }

    public Type type() { return type; }

    /** Stable machine-readable code, e.g. {@code VMNotFound}, {@code ChecksumMismatch}. */
    public String code() { return code; }

    public static HoistException notSupported(String what) {
        return new HoistException(Type.NOT_SUPPORTED, "NotSupported", what + " is not supported by this provider");
    }
}
