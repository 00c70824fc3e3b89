package io.hoist.core.transfer.http;

import java.net.URI;

/** URLs as they may appear in logs: no user info, no query (signed URLs carry tokens there). */
public final class HttpUrls {
    private HttpUrls() {}

    public static String redact(URI url) {
        String port = url.getPort() == -1 ? "" : ":" + url.getPort();
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        return url.getScheme() + "://" + url.getHost() + port + path + (url.getRawQuery() != null ? "?…" : "");
    }

    public static void requireHttp(URI url) {
        String s = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
        if (!s.equals("http") && !s.equals("https")) {
            throw new IllegalArgumentException("URL " + redact(url) + ": scheme must be http or https");
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("URL " + redact(url) + ": host is missing");
        }
    }
}
