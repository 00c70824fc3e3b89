package io.hoist.cli;

import io.hoist.cli.client.ApiClient;
import io.hoist.cli.client.Connection;
import io.hoist.cli.client.ServerLocator;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a client command finds the server: options, then HOIST_SERVER/HOIST_TOKEN, then the data dir. */
public final class ClientOptions {
    @Option(names = "--server", paramLabel = "URL",
            description = "Server URL (default: $HOIST_SERVER, else the url in DATA/server.json).")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Bearer token (default: $HOIST_TOKEN, else DATA/token).")
    String token;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data dir of a local server, for server.json and token (default: ~/.hoist).")
    Path dataDir;

    @Option(names = "--cacert", paramLabel = "FILE", description = "PEM file of CAs to trust for an https server (default: $HOIST_CACERT, else DATA/tls/ca.crt for the server of --data-dir).")
    Path caCert;

    @Option(names = "--insecure-skip-tls-verify",
            description = "Do not verify the server's TLS certificate (unsafe; for tests only).")
    boolean insecure;

    public ApiClient connect(CliContext context, PrintWriter err) {
        if (insecure) {
            err.println("warning: TLS verification is off (--insecure-skip-tls-verify)");
        }
        Connection connection = ServerLocator.locate(server, token, dataDir(), caCert, insecure, context.env());
        return new ApiClient(connection);
    }

    /** Where the server is and its token, as {@link #connect} would use them. */
    public Connection connection(CliContext context) {
        return ServerLocator.locate(server, token, dataDir(), caCert, insecure, context.env());
    }

    public Path dataDir() {
        return dataDir != null ? dataDir : defaultDataDir();
    }

    public static Path defaultDataDir() {
        return Path.of(System.getProperty("user.home"), ".hoist");
    }
}
