package io.hoist.core.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.admission.Admission;
import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.server.api.ResourceApi;
import io.hoist.core.server.console.ConsoleRoutes;
import io.hoist.core.server.console.ConsoleSessions;
import io.hoist.core.server.console.SessionOrTokenAuth;
import io.hoist.core.server.http.ErrorMapping;
import io.hoist.core.server.http.OpenApiDocument;
import io.hoist.core.server.http.RequestBodies;
import io.hoist.core.server.http.RequestGuard;
import io.hoist.core.server.http.RouteContributor;
import io.hoist.core.server.http.ServerInfoFile;
import io.hoist.core.server.http.TokenAuth;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.postgresql.PostgresResourceStore;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: opens the store in the data dir, starts the registered components, builds the
 * router (auth, body limit, core API, contributed routes, one error handler) and listens.
 *
 * <pre>{@code
 * HoistServer server = HoistServer.builder()
 *         .dataDir(Path.of("/var/lib/hoist")).port(0)
 *         .admission(new MtvAdmission())     // the default; tests may pass a double
 *         .routes((router, ctx) -> router.get("/inventory/...").handler(...))
 *         .component(engine)            // started before listening, stopped after
 *         .build();
 * server.start();                       // blocks until listening; server.port() is the real port
 * }</pre>
 */
public final class HoistServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HoistServer.class);
    private static final long START_TIMEOUT_SECONDS = 60;

    /** What components and route contributors get: the shared Vert.x, the store, admission, the data dir. */
    public record Context(Vertx vertx, ResourceStore store, Admission admission, Path dataDir,
                          io.hoist.core.server.metrics.Metrics metrics) {}

    /** Something with a lifecycle bound to the server's (engine, inventory collectors, plugin manager). */
    public interface Component {
        /** Called before the server listens, in registration order. Blocking is allowed here. */
        void start(Context context) throws Exception;

        /** Called after the server stopped listening, in reverse order. */
        default void stop() throws Exception {}
    }

    private final Options options;
    private Vertx vertx;
    private boolean ownsVertx;
    private ResourceStore store;
    private boolean ownsStore;
    private Router router;
    private HttpServer http;
    private io.hoist.core.server.http.ConnectionDeadlines deadlines;
    private final List<Component> started = new ArrayList<>();
    private io.hoist.core.server.metrics.Metrics metrics;
    private final ConsoleSessions sessions = new ConsoleSessions();
    private ConsoleRoutes console;
    /** The generated CA and certificate in use, or null (the user's own, or plain HTTP). */
    private io.hoist.core.server.http.GeneratedTls.Material generated;

    private HoistServer(Options options) {
        this.options = options;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts everything and blocks until the server listens (or throws, having undone what started). */
    public synchronized HoistServer start() {
        if (http != null) {
            throw new IllegalStateException("server already started");
        }
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            throw new IllegalStateException("start() blocks until listening: call it from a plain thread, not an event loop");
        }
        try {
            prepareDataDir(options.dataDir);
            if (options.generateTls) {
                generated = io.hoist.core.server.http.GeneratedTls.ensure(options.dataDir,
                        io.hoist.core.server.http.GeneratedTls.subjectAltNames(options.tlsNames));
            }
            TokenAuth auth = TokenAuth.fromDataDir(options.dataDir);
            console = new ConsoleRoutes(sessions, auth, options.tls());
            ownsVertx = options.vertx == null;
            metrics = new io.hoist.core.server.metrics.Metrics();
            vertx = !ownsVertx ? options.vertx
                    : options.cluster != null ? metrics.newClusteredVertx(options.cluster, java.time.Duration.ofSeconds(START_TIMEOUT_SECONDS))
                    : metrics.newVertx();
            ownsStore = options.store == null;
            store = !ownsStore ? options.store
                    : options.sharedStore != null ? PostgresResourceStore.open(options.sharedStore)
                    : SqliteResourceStore.open(options.dataDir);
            metrics.observe(store, vertx);
            Context context = new Context(vertx, store, options.admission, options.dataDir, metrics);
            for (Component c : options.components) {
                c.start(context);
                started.add(c);
            }
            router = buildRouter(auth, context);
            deadlines = new io.hoist.core.server.http.ConnectionDeadlines(vertx, options.headerTimeout, options.bodyTimeout,
                    options.idleTimeout);
            HttpServerOptions httpOptions = httpOptions();
            deadlines.serverOptions(httpOptions);
            http = vertx.createHttpServer(httpOptions).requestHandler(deadlines.around(router))
                    .listen().toCompletionStage().toCompletableFuture()
                    .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            ServerInfoFile.write(options.dataDir, url(), options.tls(), generated == null ? null : generated.caCert());
            LOG.info("hoist API listening on {}", url());
            return this;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("server failed to start: " + rootMessage(e), e);
        }
    }

    private Router buildRouter(TokenAuth auth, Context context) {
        Router r = Router.router(vertx);
        r.route().handler(new RequestGuard());
        console.mountPublic(r);
        io.hoist.core.server.api.NamespaceRegistry namespaces = io.hoist.core.server.api.NamespaceRegistry.open(store, options.dataDir, options.namespaces);
        io.hoist.core.server.api.ClusterApi cluster = new io.hoist.core.server.api.ClusterApi(vertx, store, namespaces);
        cluster.addPublicRoutes(r); // health is public on a cluster too
        // Before the API token check: /metrics also takes the read-only scrape token.
        new io.hoist.core.server.metrics.MetricsRoutes(vertx, metrics, auth, options.dataDir).mount(r);
        r.route().handler(new SessionOrTokenAuth(auth, sessions));
        r.route().handler(BodyHandler.create(false).setBodyLimit(RequestBodies.MAX_BODY_BYTES));
        console.mountAuthenticated(r);
        List<RouteContributor> documented = new ArrayList<>(options.routes);
        documented.add(new RouteContributor() {
            @Override
            public void addRoutes(Router router, Context ctx) {}

            @Override
            public ObjectNode openApiPaths() {
                ObjectNode paths = io.hoist.core.server.metrics.MetricsRoutes.openApiPaths();
                paths.setAll(io.hoist.core.server.logging.LoggerRoutes.openApiPaths());
                paths.setAll(ConsoleRoutes.openApiPaths());
                return paths;
            }
        });
        ObjectNode openApi = OpenApiDocument.build(documented);
        r.get("/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end(openApi.toString()));
        new io.hoist.core.server.logging.LoggerRoutes().mount(r);
        new ResourceApi(vertx, store, options.admission, namespaces).addRoutes(r);
        new io.hoist.core.server.api.DiscoveryApi(version()).addRoutes(r);
        new io.hoist.core.server.api.KubeOpenApi(vertx).addRoutes(r);
        cluster.addRoutes(r);
        for (RouteContributor c : options.routes) {
            c.addRoutes(r, context);
        }
        r.route().failureHandler(ErrorMapping::handle);
        // No route matched, or the path matched with another method: still a Status body.
        r.errorHandler(404, ErrorMapping::handle);
        r.errorHandler(405, ErrorMapping::handle);
        r.errorHandler(500, ErrorMapping::handle);
        return r;
    }

    private HttpServerOptions httpOptions() {
        // Plain connections stay HTTP/1.1: JDK clients (the CLI's too) try an h2c upgrade on each new connection,
        // and an upgraded first request was seen left unanswered until the connection's deadline (a full-suite
        // run); no client needs cleartext HTTP/2.
        HttpServerOptions o = new HttpServerOptions().setHost(options.bind).setPort(options.port)
                .setCompressionSupported(false).setHttp2ClearTextEnabled(false);
        if (options.tls()) {
            Path cert = generated != null ? generated.cert() : options.tlsCert;
            Path key = generated != null ? generated.key() : options.tlsKey;
            o.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(cert.toString()).setKeyPath(key.toString()))
                    .setEnabledSecureTransportProtocols(java.util.Set.of("TLSv1.2", "TLSv1.3"))
                    .setSslHandshakeTimeout(options.headerTimeout.toSeconds()).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
            TLS_SUITES.forEach(o::addEnabledCipherSuite);
        }
        return o;
    }

    /**
     * TLS 1.3's suites and, for TLS 1.2, only forward-secret AEAD ones (ECDHE with AES-GCM or ChaCha20-Poly1305),
     * as Mozilla's "intermediate" profile: no static-RSA key exchange, no CBC, no SHA-1 MACs.
     */
    public static final List<String> TLS_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** Stops listening, then components (reverse order), then the store and Vert.x if this server made them. */
    public synchronized void stop() {
        if (deadlines != null) {
            deadlines.stop();
            deadlines = null;
        }
        if (http != null) {
            await(http.close(), "HTTP server");
            http = null;
            ServerInfoFile.remove(options.dataDir);
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).stop();
            } catch (Exception e) {
                LOG.warn("component {} failed to stop: {}", started.get(i).getClass().getName(), e.toString());
            }
        }
        started.clear();
        if (store != null && ownsStore) {
            store.close();
        }
        store = null;
        if (vertx != null && ownsVertx) {
            await(vertx.close(), "Vert.x");
        }
        vertx = null;
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The port actually bound (differs from the option when it was 0). */
    /** The platform's version (the jar's Implementation-Version, as {@code hoist --version} prints), or {@code dev}. */
    public static String version() {
        String v = HoistServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public int port() {
        requireStarted();
        return http.actualPort();
    }

    public String url() {
        requireStarted();
        String host = options.bind.contains(":") ? "[" + options.bind + "]" : options.bind;
        return (options.tls() ? "https" : "http") + "://" + host + ":" + port();
    }

    /**
     * The web console's address and a fresh one-time login link for it (valid
     * {@link ConsoleSessions#LINK_TTL}, good for one browser): what {@code hoist serve} prints.
     */
    public ConsoleLink consoleLink() {
        requireStarted();
        return new ConsoleLink(url() + "/console/", url() + console.linkPath(sessions.mintLoginCode()), console.present());
    }

    /** {@code present} is false when this build carries no console files. */
    public record ConsoleLink(String url, String loginLink, boolean present) {}

    public Router router() {
        requireStarted();
        return router;
    }

    public ResourceStore store() {
        requireStarted();
        return store;
    }

    public Vertx vertx() {
        requireStarted();
        return vertx;
    }

    /** The metrics registry served at {@code /metrics}. */
    public io.hoist.core.server.metrics.Metrics metrics() {
        requireStarted();
        return metrics;
    }

    public Options options() {
        return options;
    }

    /**
     * The CA this server generated and serves a certificate of (see {@link Builder#generatedTls}), for clients to
     * trust; empty when it serves the user's certificate or plain HTTP.
     */
    public java.util.Optional<io.hoist.core.server.http.GeneratedTls.Material> generatedTls() {
        return java.util.Optional.ofNullable(generated);
    }

    private void requireStarted() {
        if (http == null) {
            throw new IllegalStateException("server is not started");
        }
    }

    private static void prepareDataDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    private static void await(io.vertx.core.Future<?> f, String what) {
        try {
            f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("{} did not close cleanly: {}", what, rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Validated, immutable settings. */
    public record Options(Path dataDir, String bind, int port, Path tlsCert, Path tlsKey, Admission admission,
                          List<RouteContributor> routes, List<Component> components, ResourceStore store,
                          Vertx vertx, java.time.Duration headerTimeout, java.time.Duration bodyTimeout,
                          java.time.Duration idleTimeout, boolean generateTls, List<String> tlsNames,
                          io.hoist.core.store.postgresql.PostgresLocation sharedStore, List<String> namespaces,
                          io.hoist.core.cluster.ClusterSettings cluster) {
        public boolean tls() {
            return tlsCert != null || generateTls;
        }
    }

    public static final class Builder {
        public static final String DEFAULT_BIND = "127.0.0.1";
        public static final int DEFAULT_PORT = 8080;

        private Path dataDir = Path.of(System.getProperty("user.home"), ".hoist");
        private String bind = DEFAULT_BIND;
        private int port = DEFAULT_PORT;
        private Path tlsCert;
        private Path tlsKey;
        private boolean generateTls;
        private List<String> tlsNames = List.of();
        private Admission admission = new MtvAdmission();
        private final List<RouteContributor> routes = new ArrayList<>();
        private final List<Component> components = new ArrayList<>();
        private ResourceStore store;
        private io.hoist.core.store.postgresql.PostgresLocation sharedStore;
        private Vertx vertx;
        private java.time.Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private java.time.Duration bodyTimeout = DEFAULT_BODY_TIMEOUT;
        private java.time.Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private final List<String> namespaces = new ArrayList<>();
        private io.hoist.core.cluster.ClusterSettings cluster;

        /** A new connection sending nothing for this long before its first complete request head is closed. */
        public static final java.time.Duration DEFAULT_HEADER_TIMEOUT = java.time.Duration.ofSeconds(30);
        /** A request body (at most 2 MiB) not received this long after its head gets 408. */
        public static final java.time.Duration DEFAULT_BODY_TIMEOUT = java.time.Duration.ofSeconds(60);

        /** A keep-alive connection with no request for this long is closed (longer than clients keep one idle). */
        public static final java.time.Duration DEFAULT_IDLE_TIMEOUT = java.time.Duration.ofSeconds(120);

        /**
         * How long a client may take to send its first request head, a request body, and how long a connection
         * may sit idle between requests (defaults 30 s, 60 s, 120 s).
         */
        public Builder readTimeouts(java.time.Duration header, java.time.Duration body, java.time.Duration idle) {
            for (java.time.Duration d : List.of(header, body, idle)) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("read timeouts must be positive");
                }
            }
            this.headerTimeout = header;
            this.bodyTimeout = body;
            this.idleTimeout = idle;
            return this;
        }

        /** Default {@code ~/.hoist}: store, token and server.json live here. */
        public Builder dataDir(Path dataDir) { this.dataDir = Objects.requireNonNull(dataDir, "dataDir"); return this; }

        /** Default 127.0.0.1. Anything but a loopback address requires {@link #tls}. */
        public Builder bind(String bind) { this.bind = Objects.requireNonNull(bind, "bind"); return this; }

        /** Default 8080; 0 picks a free port (read it back with {@link HoistServer#port()}). */
        public Builder port(int port) { this.port = port; return this; }

        /** PEM certificate (chain) and PEM private key. */
        public Builder tls(Path certPem, Path keyPem) { this.tlsCert = certPem; this.tlsKey = keyPem; return this; }

        /**
         * HTTPS with a CA and certificate made once in {@code DATA/tls/} and reused ({@link
         * io.hoist.core.server.http.GeneratedTls}): the certificate names localhost, 127.0.0.1, ::1, the host name
         * and {@code extraNames} ({@code hoist serve --tls-san}). What {@code hoist serve} does unless told otherwise.
         */
        public Builder generatedTls(List<String> extraNames) {
            this.generateTls = true;
            this.tlsNames = List.copyOf(extraNames);
            return this;
        }

        /**
         * Namespaces created at start when missing, besides {@code default} and those every new data dir has
         * ({@code openshift-mtv}): for an embedder (or a test) that knows where its objects go. Objects are written
         * only into namespaces that exist.
         */
        public Builder namespaces(String... names) {
            for (String n : names) {
                if (!io.hoist.core.server.api.NamespaceRegistry.isName(n)) {
                    throw new IllegalArgumentException("namespace '" + n + "' is not a lowercase RFC 1123 label");
                }
                namespaces.add(n);
            }
            return this;
        }

        /** Checks every write before it is stored; default {@link MtvAdmission} (MTV's rules). */
        public Builder admission(Admission admission) { this.admission = admission; return this; }

        /** The admission set so far (the platform adds its plugins' Provider checks to it). */
        public Admission admission() { return admission; }

        public Builder routes(RouteContributor contributor) { routes.add(Objects.requireNonNull(contributor)); return this; }

        public Builder component(Component component) { components.add(Objects.requireNonNull(component)); return this; }

        /**
         * Keep objects in a PostgreSQL database that several nodes share ({@code postgresql://user@host:port/db}, the
         * password from {@code PGPASSWORD} or {@code ~/.pgpass}) instead of {@code DATA/hoist.db}; the server opens
         * and closes it. Null keeps the embedded SQLite store.
         */
        public Builder sharedStore(String url) {
            this.sharedStore = url == null ? null : io.hoist.core.store.postgresql.PostgresLocation.parse(url, System.getenv());
            return this;
        }

        /** As {@link #sharedStore(String)}, with the location already parsed. */
        public Builder sharedStore(io.hoist.core.store.postgresql.PostgresLocation location) {
            this.sharedStore = location;
            return this;
        }

        /**
         * Join the other nodes ({@code hoist serve --cluster}): the server's Vert.x is clustered through Hazelcast
         * with these settings. Needs a {@link #sharedStore}: the nodes keep their state in one PostgreSQL database.
         */
        public Builder cluster(io.hoist.core.cluster.ClusterSettings settings) {
            this.cluster = settings;
            return this;
        }

        /** Use this store instead of opening {@code DATA/hoist.db}; the caller then closes it. */
        public Builder store(ResourceStore store) { this.store = store; return this; }

        /** Share a Vert.x instance instead of creating one; the caller then closes it. */
        public Builder vertx(Vertx vertx) { this.vertx = vertx; return this; }

        public HoistServer build() {
            Objects.requireNonNull(admission, "admission");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
            }
            if (cluster != null && sharedStore == null
                    && !(store instanceof io.hoist.core.store.postgresql.PostgresResourceStore)) {
                throw new IllegalArgumentException("--cluster needs --store postgresql://USER@HOST:PORT/DATABASE: the nodes"
                        + " of a cluster keep their state in one PostgreSQL database, not in each node's DATA/hoist.db");
            }
            if (cluster != null && vertx != null) {
                throw new IllegalArgumentException("a cluster needs the server's own (clustered) Vert.x, not a shared one");
            }
            if (generateTls && tlsCert != null) {
                throw new IllegalArgumentException("--tls-cert/--tls-key and a generated certificate exclude each other");
            }
            if (generateTls) {
                io.hoist.core.server.http.GeneratedTls.subjectAltNames(tlsNames); // a bad --tls-san fails here, before start
            }
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key must be given together");
            }
            if (tlsCert != null) {
                for (Path p : List.of(tlsCert, tlsKey)) {
                    if (!Files.isReadable(p)) {
                        throw new IllegalArgumentException("TLS file is not readable: " + p);
                    }
                }
            }
            if (tlsCert == null && !generateTls && !isLoopback(bind)) {
                throw new IllegalArgumentException("--bind " + bind + " is not a loopback address: serving beyond this"
                        + " machine requires TLS (hoist serve's default without --plain-http, or --tls-cert and --tls-key)");
            }
            return new HoistServer(new Options(dataDir.toAbsolutePath(), bind, port, tlsCert, tlsKey, admission,
                    List.copyOf(routes), List.copyOf(components), store, vertx, headerTimeout, bodyTimeout, idleTimeout,
                    generateTls, tlsNames, sharedStore, List.copyOf(namespaces), cluster));
        }

        private static boolean isLoopback(String host) {
            try {
                // Only literal addresses and "localhost" resolve without DNS; a name resolving to loopback
                // elsewhere is still checked by what it resolves to here.
                for (InetAddress a : InetAddress.getAllByName(host)) {
                    if (!a.isLoopbackAddress()) {
                        return false;
                    }
                }
                return true;
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--bind " + host + " is not a known address");
            }
        }
    }
}
