package io.hoist.core.store;

/** Store failures that the API maps to HTTP statuses (404, 409). */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** 404 */
    public static class NotFound extends StoreException {
        public NotFound(String message) { super(message); }
    }

    /** 409: name taken on create. */
    public static class AlreadyExists extends StoreException {
        public AlreadyExists(String message) { super(message); }
    }

    /** 409: stale resourceVersion. */
    public static class Conflict extends StoreException {
        public Conflict(String message) { super(message); }
    }
}
