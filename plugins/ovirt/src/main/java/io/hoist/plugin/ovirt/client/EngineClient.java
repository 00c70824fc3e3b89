package io.hoist.plugin.ovirt.client;

import io.hoist.api.HoistException;
import io.hoist.api.host.HttpClients;
import io.hoist.plugin.support.Failures;
import io.hoist.plugin.ovirt.OvirtConfig;
import java.io.Closeable;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ovirt.engine.sdk4.Connection;
import org.ovirt.engine.sdk4.services.SystemService;

/**
 * One SSO session with an engine through ovirt-engine-sdk-java, and the one place SDK failures become
 * {@link HoistException}s with a stable code. The SDK reports everything as {@code org.ovirt.engine.sdk4.Error}
 * with a message; the HTTP status is read from it.
 */
public final class EngineClient implements Closeable {
    private static final Pattern HTTP_CODE = Pattern.compile("HTTP response code is \"(\\d+)\"");
    private static final Pattern FAULT_DETAIL = Pattern.compile("Fault detail is \"(.*?)\"\\.");
    private static final Pattern FAULT_REASON = Pattern.compile("Fault reason is \"(.*?)\"\\.");

    private final OvirtConfig config;
    private final Connection connection;

    private EngineClient(OvirtConfig config, Connection connection) {
        this.config = config;
        this.connection = connection;
    }

    /** Builds the connection (no request yet: the SSO token is fetched by the first call). */
    public static EngineClient open(OvirtConfig config, HttpClients http) {
        Connection c = new ProviderTlsConnectionBuilder(http.sslContext(config.tls()), http.verifyHostname(config.tls()),
                Duration.ofSeconds(20), Duration.ofMinutes(2))
                .url(config.api().toString())
                .user(config.user())
                .password(config.password())
                .build();
        return new EngineClient(config, c);
    }

    public SystemService system() {
        return connection.systemService();
    }

    public Connection connection() {
        return connection;
    }

    public OvirtConfig config() {
        return config;
    }

    /** A call to the engine; a failure becomes a HoistException naming {@code what}. */
    public <T> T call(String what, java.util.function.Function<SystemService, T> call) {
        try {
            return call.apply(system());
        } catch (RuntimeException e) {
            throw translate(what, e);
        }
    }

    /** The HTTP status in an SDK error, or -1 when the request never got an answer. */
    public static int httpStatus(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                Matcher m = HTTP_CODE.matcher(t.getMessage());
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        }
        return -1;
    }

    /** The engine's own words (fault detail, else reason) in an SDK error, or null. */
    public static String faultText(Throwable e) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        Matcher d = FAULT_DETAIL.matcher(msg);
        if (d.find() && !d.group(1).isBlank()) {
            return d.group(1);
        }
        Matcher r = FAULT_REASON.matcher(msg);
        return r.find() ? r.group(1) : null;
    }

    public static boolean isNotFound(Throwable e) {
        return httpStatus(e) == 404;
    }

    /** True when SSO refused the credentials (the SDK's words for an SSO error answer). */
    public static boolean isAuthFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.startsWith("Error during SSO authentication") || m.contains("access_denied"))) {
                return true;
            }
        }
        int status = httpStatus(e);
        return status == 401 || status == 403;
    }

    HoistException translate(String what, RuntimeException e) {
        if (e instanceof HoistException h) {
            return h;
        }
        if (isAuthFailure(e)) {
            return new HoistException(HoistException.Type.AUTH, "ConnectionAuthFailed",
                    what + ": the engine refused the credentials of " + config.user(), e);
        }
        int status = httpStatus(e);
        if (status == 404) {
            return new HoistException(HoistException.Type.USER_ERROR, "NotFound", what + ": not found on the engine", e);
        }
        if (status >= 400) {
            String fault = faultText(e);
            return new HoistException(status >= 500 ? HoistException.Type.UNAVAILABLE : HoistException.Type.USER_ERROR,
                    "EngineFault", what + ": the engine answered " + status + (fault == null ? "" : " (" + fault + ")"), e);
        }
        return new HoistException(HoistException.Type.UNAVAILABLE, "SourceUnavailable",
                what + ": " + Failures.rootMessage(e), e);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (Exception ignored) {
            // revoking the SSO token is a courtesy; the token expires by itself
        }
    }
}
