package io.hoist.cli;

import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.web.InventoryRoutes;
import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.http.RouteContributor;
import io.hoist.core.server.plugins.PluginHost;
import io.hoist.core.server.plugins.PluginRoutes;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = {
        "Run the Hoist server: API, inventory and plugins. Writes DATA/server.json (0600) with its URL and",
        "DATA/token (0600) on first start; stops on SIGINT/SIGTERM.",
        "Example: hoist serve --data-dir /var/lib/hoist --bind 0.0.0.0 --tls-cert cert.pem --tls-key key.pem"})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Store, token, server.json and plugins/ (default: ~/.hoist).")
    Path dataDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "TCP port (default: 8080; 0 = any free port).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: 127.0.0.1). Any other than loopback requires TLS.")
    String bind;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate (chain); with --tls-key serves https.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key.")
    Path tlsKey;

    @Override
    public Integer call() throws Exception {
        Path data = (dataDir != null ? dataDir : ClientOptions.defaultDataDir()).toAbsolutePath();
        HoistServer.Builder builder = HoistServer.builder().dataDir(data).port(port).bind(bind)
                .admission(new MtvAdmission());
        if (tlsCert != null || tlsKey != null) {
            builder.tls(tlsCert, tlsKey);
        }
        Inventory inventory = new Inventory();
        PluginHost plugins = PluginHost.start(pluginRoots(data));
        builder.routes(contributor(router -> new InventoryRoutes(inventory).mount(router), InventoryRoutes.openApiPaths()));
        builder.routes(contributor(router -> new PluginRoutes(plugins).mount(router), PluginRoutes.openApiPaths()));
        HoistServer server;
        try {
            server = builder.build().start();
        } catch (IllegalArgumentException | IllegalStateException e) {
            plugins.close();
            throw new CliException(e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            plugins.close();
            stopped.countDown();
        }, "hoist-shutdown"));
        spec.commandLine().getOut().println("hoist: serving " + server.url() + " (data " + data + ", token in "
                + data.resolve("token") + ", " + plugins.plugins().size() + " plugins)");
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }

    /** DATA/plugins plus the built-in directory the launcher names ({@code -Dhoist.plugins.dir}). */
    static List<Path> pluginRoots(Path data) {
        List<Path> roots = new ArrayList<>();
        roots.add(data.resolve("plugins"));
        Path builtin = PluginHost.builtinDir();
        if (builtin != null) {
            roots.add(builtin);
        }
        return roots;
    }

    private static RouteContributor contributor(java.util.function.Consumer<Router> mount, ObjectNode openApi) {
        return new RouteContributor() {
            @Override
            public void addRoutes(Router router, HoistServer.Context context) {
                mount.accept(router);
            }

            @Override
            public ObjectNode openApiPaths() {
                return openApi;
            }
        };
    }
}
