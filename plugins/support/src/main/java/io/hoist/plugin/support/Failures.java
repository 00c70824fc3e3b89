package io.hoist.plugin.support;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import javax.net.ssl.SSLException;

/** Exceptions from a provider's client in words a user can act on: the root cause, TLS or connect failures named. */
public final class Failures {
    /** Deeper than any real cause chain; stops a cycle a library may build. */
    private static final int MAX_DEPTH = 20;

    private Failures() {}

    /** True when {@code t} or one of its causes is a {@code type}. */
    public static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (int i = 0; t != null && i < MAX_DEPTH; i++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause as "SimpleClassName: message" (the outer ones are usually wrappers saying less). */
    public static String rootMessage(Throwable t) {
        Throwable r = t;
        for (int i = 0; r.getCause() != null && r.getCause() != r && i < MAX_DEPTH; i++) {
            r = r.getCause();
        }
        return r.getClass().getSimpleName() + (r.getMessage() == null ? "" : ": " + r.getMessage());
    }

    /** An I/O failure: "TLS handshake failed (..)", "connection refused or timed out (..)", else the root cause. */
    public static String describe(IOException e) {
        if (causedBy(e, SSLException.class)) {
            return "TLS handshake failed (" + rootMessage(e) + ")";
        }
        if (causedBy(e, ConnectException.class) || causedBy(e, HttpConnectTimeoutException.class)) {
            return "connection refused or timed out (" + rootMessage(e) + ")";
        }
        return rootMessage(e);
    }
}
