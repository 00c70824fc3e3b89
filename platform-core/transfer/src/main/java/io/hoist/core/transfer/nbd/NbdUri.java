package io.hoist.core.transfer.nbd;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An NBD address as in the NBD URI spec: {@code nbd://host[:port]/export} over TCP (port 10809 by default) or
 * {@code nbd+unix:///export?socket=PATH} over a Unix socket. The export name is the path without its leading '/'.
 */
public record NbdUri(SocketAddress address, String exportName, String display) {
    public static final int DEFAULT_PORT = 10809;

    public static NbdUri parse(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String export = URLDecoder.decode(path.startsWith("/") ? path.substring(1) : path, StandardCharsets.UTF_8);
        switch (scheme) {
            case "nbd" -> {
                if (uri.getHost() == null) {
                    throw new IllegalArgumentException("NBD URI " + uri + ": host is missing (nbd://host:port/export)");
                }
                int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
                return new NbdUri(new InetSocketAddress(uri.getHost(), port), export,
                        "nbd://" + uri.getHost() + ":" + port + "/" + export);
            }
            case "nbd+unix" -> {
                String socket = queryParam(uri, "socket");
                if (socket == null || socket.isEmpty()) {
                    throw new IllegalArgumentException("NBD URI " + uri + ": socket is missing (nbd+unix:///export?socket=PATH)");
                }
                return new NbdUri(UnixDomainSocketAddress.of(Path.of(socket)), export,
                        "nbd+unix:///" + export + "?socket=" + socket);
            }
            default -> throw new IllegalArgumentException("NBD URI " + uri + ": scheme must be nbd or nbd+unix, got '" + scheme + "'");
        }
    }

    private static String queryParam(URI uri, String name) {
        String q = uri.getRawQuery();
        if (q == null) {
            return null;
        }
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
