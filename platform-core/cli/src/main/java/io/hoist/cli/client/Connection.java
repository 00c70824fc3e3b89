package io.hoist.cli.client;

import java.nio.file.Path;

/**
 * Where the server is and how to talk to it. {@link #toString()} never shows the token.
 *
 * @param caCert   PEM file of CAs to trust instead of the JDK's, or null
 * @param insecure skip TLS verification; only when the user asked with --insecure-skip-tls-verify
 */
public record Connection(String url, String token, Path caCert, boolean insecure) {
    @Override
    public String toString() {
        return "Connection[" + url + "]";
    }
}
