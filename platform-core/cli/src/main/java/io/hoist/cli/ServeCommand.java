package io.hoist.cli;

import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.Platform;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hoist serve}: the platform (API, inventory, plugins, engine) on the embedded store until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the platform: HTTP API, inventory, plugins and migration engine on the embedded store.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: ~/.hoist).")
    Path dataDir;

    @Option(names = "--port", description = "Port to listen on (default: ${DEFAULT-VALUE}).", defaultValue = "8080")
    int port;

    @Option(names = "--bind", description = "Address to bind (default: ${DEFAULT-VALUE}); anything but loopback needs TLS.",
            defaultValue = "127.0.0.1")
    String bind;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Server certificate (PEM).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Server private key (PEM).")
    Path tlsKey;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : ClientOptions.defaultDataDir();
        HoistServer.Builder b = HoistServer.builder().bind(bind).port(port).admission(new MtvAdmission());
        if (tlsCert != null || tlsKey != null) {
            if (tlsCert == null || tlsKey == null) {
                throw new CliException("--tls-cert and --tls-key go together");
            }
            b.tls(tlsCert, tlsKey);
        }
        Platform platform = Platform.create(b, dir).start();
        System.out.println("hoist serving on " + platform.server().url() + " (data: " + dir + ", token in " + dir.resolve("token") + ")");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            platform.close();
            stopped.countDown();
        }, "hoist-shutdown"));
        stopped.await();
        return 0;
    }
}
