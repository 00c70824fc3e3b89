package io.hoist.plugin.openstack.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.HoistException;
import io.hoist.plugin.support.Failures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** OpenStack failures as {@link HoistException}s; messages carry the API's own words, never a credential. */
public final class Errors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Errors() {}

    static HoistException fromStatus(String what, int status, String message) {
        String m = what + ": HTTP " + status + (message == null || message.isBlank() ? "" : " (" + message + ")");
        return switch (status) {
            case 401, 403 -> new HoistException(HoistException.Type.AUTH, "ConnectionAuthFailed", m);
            case 400, 404, 409 -> new HoistException(HoistException.Type.USER_ERROR, status == 404 ? "NotFound" : "Refused", m);
            case 0, 500, 502, 503, 504 -> new HoistException(HoistException.Type.UNAVAILABLE, "SourceUnavailable", m);
            default -> new HoistException(HoistException.Type.INTERNAL, "UnexpectedStatus", m);
        };
    }

    /** The message of an OpenStack error body ({"error": {"message": ..}}, {"badRequest": {"message": ..}}, ...). */
    static String keystoneMessage(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.isObject()) {
                for (JsonNode v : n) {
                    if (v.has("message")) {
                        return v.get("message").asText();
                    }
                }
                if (n.has("message")) {
                    return n.get("message").asText();
                }
            }
        } catch (IOException ignored) {
            // not JSON: fall through to the text
        }
        String s = new String(body, StandardCharsets.UTF_8).strip();
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** An I/O failure in words a user can act on. */
    public static String describe(IOException e) {
        return Failures.describe(e);
    }

    // The two below keep OpenstackSource's calls compiling; new code calls Failures directly.
    public static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        return Failures.causedBy(t, type);
    }

    public static String rootMessage(Throwable t) {
        return Failures.rootMessage(t);
    }
}
