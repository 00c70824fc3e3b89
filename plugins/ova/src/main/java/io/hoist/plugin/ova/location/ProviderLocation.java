package io.hoist.plugin.ova.location;

import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an OVA provider's files are: a local folder (a path or {@code file://} URL) or an NFS export in
 * MTV's form {@code server:/export} (also {@code nfs://server/export}).
 */
public sealed interface ProviderLocation {
    record Local(Path path) implements ProviderLocation {
        @Override
        public String display() {
            return path.toString();
        }
    }

    record Nfs(String server, String export) implements ProviderLocation {
        @Override
        public String display() {
            return server + ":" + export;
        }
    }

    /** For messages. */
    String display();

    /** A host name, IPv4 address or bracketed IPv6 address, then ':' and an absolute export path. */
    Pattern NFS = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9.\\-]*|\\[[0-9A-Fa-f:.]+\\]):(/.*)$");

    /** Parses the Provider URL; the exception message names the field and says what is expected. */
    static ProviderLocation parse(String url) {
        String u = url == null ? "" : url.trim();
        if (u.isEmpty()) {
            throw new IllegalArgumentException("url: is required: a folder path, file:// URL or NFS export server:/path");
        }
        if (u.startsWith("file:")) {
            try {
                return new Local(Path.of(URI.create(u)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("url: '" + u + "' is not a valid file:// URL (" + e.getMessage() + ")");
            }
        }
        if (u.startsWith("nfs://")) {
            URI uri;
            try {
                uri = URI.create(u);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("url: '" + u + "' is not a valid nfs:// URL");
            }
            if (uri.getHost() == null || uri.getPath() == null || uri.getPath().isEmpty()) {
                throw new IllegalArgumentException("url: '" + u + "' needs a server and an export path (nfs://server/export)");
            }
            return new Nfs(uri.getHost(), uri.getPath());
        }
        if (u.startsWith("/")) {
            return new Local(Path.of(u));
        }
        if (u.contains("://")) {
            throw new IllegalArgumentException("url: scheme of '" + u
                    + "' is not supported (use a folder path, file:// or NFS server:/export)");
        }
        Matcher m = NFS.matcher(u);
        if (m.matches()) {
            return new Nfs(m.group(1), m.group(2));
        }
        throw new IllegalArgumentException("url: '" + u + "' is neither an absolute path nor an NFS export server:/path");
    }
}
