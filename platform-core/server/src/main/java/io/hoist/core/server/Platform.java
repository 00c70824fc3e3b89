package io.hoist.core.server;

import io.hoist.api.host.HttpClients;
import io.hoist.api.host.Settings;
import io.hoist.api.transfer.DiskIo;
import io.hoist.core.engine.Engine;
import io.hoist.core.engine.LiveSettings;
import io.hoist.core.engine.run.TransferDiskCopyService;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.engine.runtime.HostServices;
import io.hoist.core.engine.runtime.InventoryHostServices;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.web.InventoryRoutes;
import io.hoist.core.server.plugins.PluginHost;
import io.hoist.core.server.plugins.PluginProviderChecks;
import io.hoist.core.server.plugins.PluginRoutes;
import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.budget.BandwidthBudgets;
import io.hoist.core.transfer.tls.ProviderHttpClients;
import io.hoist.core.validation.ConfigMapRules;
import io.hoist.core.validation.ValidationService;
import io.hoist.core.validation.rules.RulePackages;
import io.hoist.core.validation.web.ValidationRoutes;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The whole platform in one process: HTTP API and store ({@link HoistServer}), inventory service,
 * PF4J plugins, transfer engine and migration engine. {@code hoist serve} and {@code hoist quickstart}
 * run exactly this.
 */
public final class Platform implements AutoCloseable {
    private final HoistServer server;
    private final Inventory inventory = new Inventory();
    private volatile PluginHost plugins;
    private volatile Engine engine;
    /** On a cluster node: the engine running the VM runs placed on this node (every node has one). */
    private volatile Engine runsEngine;
    private io.hoist.core.cluster.ClusterRunPlacement placement;
    /** On a cluster node: the per-source-host slots and bandwidth counted across the nodes. */
    private io.hoist.core.cluster.ClusterHostLimits hostLimits;
    private boolean engineMetricsBound;
    /** On nodes sharing a store: who runs the controllers (null with the embedded store: this process does). */
    private io.hoist.core.cluster.LeaderElection election;
    /** On a cluster node: stops this node's runs while it is cut off from the leader. */
    private io.hoist.core.cluster.ClusterFence fence;
    private ScheduledExecutorService timers;
    private ValidationService validation;
    private AutoCloseable validationConfigMaps;
    private volatile io.hoist.core.server.events.EventRecorder events;

    private Platform(HoistServer.Builder builder, Path dataDir, List<Path> pluginRoots) {
        List<Path> roots = new ArrayList<>(pluginRoots);
        // MTV's admission knows no provider type: the plugin serving a Provider's type checks its spec
        if (builder.admission() instanceof io.hoist.core.model.admission.MtvAdmission mtv) {
            builder.admission(mtv.withProviderChecks(new PluginProviderChecks(this::providerFactories)));
        }
        builder.routes(new io.hoist.core.server.http.RouteContributor() {
            @Override
            public void addRoutes(Router router, HoistServer.Context ctx) {
                new InventoryRoutes(inventory).mount(router);
            }

            @Override
            public com.fasterxml.jackson.databind.node.ObjectNode openApiPaths() {
                return InventoryRoutes.openApiPaths();
            }
        });
        builder.component(new HoistServer.Component() {
            @Override
            public void start(HoistServer.Context ctx) {
                plugins = PluginHost.start(roots);
                timers = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "hoist-copy-watch");
                    t.setDaemon(true);
                    return t;
                });
                io.hoist.core.server.metrics.InventoryMetrics.bind(ctx.metrics(), inventory);
                if (ctx.store() instanceof io.hoist.core.store.postgresql.PostgresResourceStore shared) {
                    // Nodes sharing a store: only the elected one runs the controllers, writing as its term
                    var settings = server.options().cluster();
                    String node = settings != null ? settings.nodeName() : defaultNodeName();
                    if (settings != null) {
                        // Every node of a cluster runs the VMs the leader places on it; the leader's engine only
                        // reconciles and places
                        placement = new io.hoist.core.cluster.ClusterRunPlacement(ctx.vertx(), shared, settings.profile());
                        hostLimits = new io.hoist.core.cluster.ClusterHostLimits(ctx.vertx());
                        runsEngine = newEngine(ctx, runsStore(shared), Engine.Role.RUNS, settings);
                    }
                    election = io.hoist.core.cluster.LeaderElection.start(
                            new io.hoist.core.store.postgresql.LeaderLease(shared, node),
                            new io.hoist.core.cluster.LeaderElection.Leadership() {
                                @Override
                                public void elected(long term) {
                                    startControllers(ctx, shared.fencedBy(term));
                                }

                                @Override
                                public void deposed(long term) {
                                    stopControllers();
                                }
                            });
                    if (settings != null) {
                        fence = io.hoist.core.cluster.ClusterFence.start(
                                new io.hoist.core.store.postgresql.LeaderLease(shared, node), placement::liveNodeNames,
                                new io.hoist.core.cluster.ClusterFence.Runs() {
                                    @Override
                                    public void stop(String why) {
                                        stopRuns();
                                    }

                                    @Override
                                    public void resume() {
                                        placement.forgetOwnRuns();
                                        startRuns(ctx, runsStore(shared), settings);
                                    }
                                });
                    }
                } else {
                    startControllers(ctx, ctx.store());
                }
            }

            @Override
            public void stop() {
                if (fence != null) {
                    fence.close();
                }
                if (election != null) {
                    election.close(); // stops this node's controllers, and hands the lead over at once
                } else {
                    stopControllers();
                }
                stopRuns(); // its runs stop at a durable phase; the leader places them on other nodes
                if (placement != null) {
                    placement.close();
                }
                if (hostLimits != null) {
                    hostLimits.close();
                }
                if (plugins != null) {
                    plugins.close();
                }
                if (timers != null) {
                    timers.shutdownNow();
                }
            }
        });
        builder.routes(new io.hoist.core.server.http.RouteContributor() {
            @Override
            public void addRoutes(Router router, HoistServer.Context ctx) {
                mountPlugins(router);
            }

            @Override
            public com.fasterxml.jackson.databind.node.ObjectNode openApiPaths() {
                return PluginRoutes.openApiPaths();
            }
        });
        // The support archive (hoist must-gather, the console's download).
        builder.routes(new io.hoist.core.server.http.RouteContributor() {
            @Override
            public void addRoutes(Router router, HoistServer.Context ctx) {
                java.util.Map<String, java.util.function.Supplier<Object>> documents = java.util.Map.of(
                        "plugins.json", () -> java.util.Map.of("pluginApiVersion", plugins.apiVersion(), "items", plugins.plugins()),
                        "validation.json", Platform.this::validationState);
                var gather = new io.hoist.core.server.mustgather.MustGather(ctx.store(), inventory, documents, ctx.dataDir());
                new io.hoist.core.server.mustgather.MustGatherRoutes(ctx.vertx(), gather).mount(router);
            }

            @Override
            public com.fasterxml.jackson.databind.node.ObjectNode openApiPaths() {
                return io.hoist.core.server.mustgather.MustGatherRoutes.openApiPaths();
            }
        });
        // Hook output (DATA/logs), as `hoist logs` reads it.
        builder.routes(new io.hoist.core.server.http.RouteContributor() {
            @Override
            public void addRoutes(Router router, HoistServer.Context ctx) {
                new io.hoist.core.server.logs.StepLogRoutes(ctx.vertx(), ctx.store(),
                        new io.hoist.core.engine.hooks.StepLogs(ctx.dataDir())).mount(router);
            }

            @Override
            public com.fasterxml.jackson.databind.node.ObjectNode openApiPaths() {
                return io.hoist.core.server.logs.StepLogRoutes.openApiPaths();
            }
        });
        // Validation service: validates inventory VMs with the provider's rules, writes concerns onto them.
        builder.component(new HoistServer.Component() {
            @Override
            public void start(HoistServer.Context ctx) {
                // rule packages: those the source plugins ship, then any hoist-policies still carries
                List<io.hoist.core.validation.rules.RulePackage> shipped = new ArrayList<>();
                for (var r : plugins.shippedValidationRules()) {
                    try {
                        shipped.add(RulePackages.fromPlugin(r.pluginId(), r.providerType(), r.rules(), r.loader()));
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(Platform.class).error("rule package of plugin {} not loaded: {}", r.pluginId(), e.getMessage());
                    }
                }
                validation = ValidationService.create(inventory, ctx.dataDir(), RulePackages.builtin().with(shipped))
                        .meterEvaluations(ctx.metrics().registry())
                        .start(java.time.Duration.ofSeconds(5));
                validationConfigMaps = ConfigMapRules.follow(ctx.store(), validation, ConfigMapRules.DEFAULT_NAME);
            }

            @Override
            public void stop() throws Exception {
                validationConfigMaps.close();
                validation.close();
            }
        });
        builder.routes(new io.hoist.core.server.http.RouteContributor() {
            @Override
            public void addRoutes(Router router, HoistServer.Context ctx) {
                new ValidationRoutes(validation).mount(router);
            }

            @Override
            public com.fasterxml.jackson.databind.node.ObjectNode openApiPaths() {
                return ValidationRoutes.openApiPaths();
            }
        });
        this.server = builder.build();
    }

    /**
     * The migration engine and the event recorder over {@code store} (the server's, or on a node sharing a store the
     * leader's fenced view of it).
     */
    private synchronized void startControllers(HoistServer.Context ctx, io.hoist.core.store.ResourceStore store) {
        Engine started = placement == null ? newEngine(ctx, store, Engine.Role.ALL, null)
                : newEngine(ctx, store, Engine.Role.CONTROLLERS, null);
        engine = started;
        // Events from the status the engine stores (plan/VM transitions, failures, retries, concerns).
        events = io.hoist.core.server.events.EventRecorder.start(store);
    }

    /**
     * An engine over {@code store} doing {@code role}; on a cluster node ({@code node} set) its disk copies are capped
     * by the node's own disk count and bandwidth.
     */
    private Engine newEngine(HoistServer.Context ctx, io.hoist.core.store.ResourceStore store, Engine.Role role,
                             io.hoist.core.cluster.ClusterSettings node) {
        LiveSettings settings = new LiveSettings(store);
        HttpClients http = new ProviderHttpClients();
        DiskIo diskIo = new EngineDiskIo(http);
        HostServices services = new InventoryHostServices(inventory, diskIo, http, settings, ctx.dataDir());
        var runMeters = new io.hoist.core.engine.run.RunMeters(ctx.metrics().registry());
        BandwidthBudgets budgets = new BandwidthBudgets();
        io.hoist.core.engine.run.DiskCopyService copier = new TransferDiskCopyService(checkpoints(ctx, placement),
                baselines(ctx), budgets, timers, runMeters);
        if (node != null) {
            copier = io.hoist.core.cluster.NodeBandwidth.cap(copier, node.bandwidthMibps());
            copier = hostLimits.shareBandwidth(copier, budgets);
        }
        Engine started = new Engine(ctx.vertx(), store, extensions(plugins), services, copier, runMeters).role(role);
        if (placement != null) {
            started.placement(placement);
        }
        if (node != null) {
            started.settings().nodeDiskCap(node.maxDisks());
            hostLimits.shareSlots(started);
        }
        started.start();
        if (!engineMetricsBound && role != Engine.Role.CONTROLLERS) {
            // gauges keep the first engine: on a node elected a second time they show that engine (a known gap)
            io.hoist.core.server.metrics.EngineMetrics.bind(ctx.metrics(), started);
            engineMetricsBound = true;
        }
        return started;
    }

    /**
     * Where disk copies record their checkpoints: with a shared PostgreSQL store, in it, so a VM run placed on another
     * node (its node killed or gone) resumes its copies there; else in files under {@code DATA/checkpoints}.
     */
    private static io.hoist.core.transfer.checkpoint.CheckpointStore checkpoints(HoistServer.Context ctx,
                                                                                io.hoist.core.cluster.ClusterRunPlacement cluster) {
        if (ctx.store() instanceof io.hoist.core.store.postgresql.PostgresResourceStore shared) {
            // on a cluster, a save for a run placed on another node since is refused
            return new io.hoist.core.store.postgresql.PostgresCheckpointStore(shared, cluster == null ? null : cluster.heldRuns());
        }
        return TransferDiskCopyService.fileCheckpoints(ctx.dataDir());
    }

    /**
     * Where warm migrations keep the block digests between precopy rounds (the next delta's baseline): with a shared
     * PostgreSQL store, in it, so a warm VM placed on another node copies only changed blocks there; else in files
     * under {@code DATA/digests}.
     */
    private static io.hoist.core.transfer.checkpoint.BaselineStore baselines(HoistServer.Context ctx) {
        if (ctx.store() instanceof io.hoist.core.store.postgresql.PostgresResourceStore shared) {
            return new io.hoist.core.store.postgresql.PostgresBaselineStore(shared);
        }
        return TransferDiskCopyService.fileBaselines(ctx.dataDir());
    }

    private synchronized void stopControllers() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
        if (events != null) {
            events.close();
            events = null;
        }
    }

    /** Stops this cluster node's VM runs at a durable phase and takes no new ones (its run address goes). */
    private synchronized void stopRuns() {
        if (runsEngine != null) {
            runsEngine.close();
            runsEngine = null;
        }
    }

    /**
     * The store a cluster node's runs engine writes through: a VM entry's write for a run placed on another node since
     * is refused (the run stops here and goes on there).
     */
    private io.hoist.core.store.ResourceStore runsStore(io.hoist.core.store.postgresql.PostgresResourceStore shared) {
        return shared.guardedBy(placement.heldRuns());
    }

    /** Takes VM runs again on this cluster node (after {@link #stopRuns}). */
    private synchronized void startRuns(HoistServer.Context ctx, io.hoist.core.store.ResourceStore store,
                                        io.hoist.core.cluster.ClusterSettings settings) {
        if (runsEngine == null) {
            runsEngine = newEngine(ctx, store, Engine.Role.RUNS, settings);
        }
    }

    /** This process's name among nodes sharing a store: host, pid and a random part (a restart is a new node). */
    private static String defaultNodeName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** Rule packages in force: provider type, rules_version, files, and why any were refused (for must-gather). */
    private Object validationState() {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        if (validation == null) {
            return out;
        }
        for (String pkg : validation.packages().names()) {
            java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
            validation.packages().get(pkg).ifPresent(rp -> p.put("providerType", rp.providerType()));
            validation.ruleSet(pkg).ifPresent(rs -> {
                p.put("rulesVersion", rs.rulesVersion());
                p.put("files", rs.files().stream().map(f -> f.label()).toList());
            });
            String err = validation.errors().get(pkg);
            if (err != null) {
                p.put("error", err);
            }
            out.put(pkg, p);
        }
        return out;
    }

    /** Plugins from {@code DATA/plugins} plus the built-in directory (system property {@code hoist.plugins.dir}). */
    public static Platform create(HoistServer.Builder builder, Path dataDir) {
        List<Path> roots = new ArrayList<>();
        roots.add(dataDir.resolve("plugins"));
        Path builtin = PluginHost.builtinDir();
        if (builtin != null) {
            roots.add(builtin);
        }
        return new Platform(builder.dataDir(dataDir), dataDir, roots);
    }

    /** Every loaded source and destination factory; none before the plugins load. */
    private List<Object> providerFactories() {
        PluginHost host = plugins;
        if (host == null) {
            return List.of();
        }
        List<Object> out = new ArrayList<>(host.sourceFactories());
        out.addAll(host.destinationFactories());
        return out;
    }

    private void mountPlugins(Router router) {
        // Components (the plugin host among them) start before routes are added.
        new PluginRoutes(plugins).mount(router);
    }

    private static Extensions extensions(PluginHost host) {
        return Extensions.of(host.sourceFactories(), host.destinationFactories(), host.hookRunners(), host.guestConverters());
    }

    public Platform start() {
        server.start();
        return this;
    }

    public HoistServer server() {
        return server;
    }

    /** The migration engine; null on a node that does not lead (nodes sharing a store) and before start. */
    public Engine engine() {
        return engine;
    }

    /** Whether this node runs the controllers: always with the embedded store, when elected with a shared one. */
    public boolean leads() {
        return election == null ? engine != null : election.isLeader();
    }

    /** The event recorder (null before start). */
    public io.hoist.core.server.events.EventRecorder events() {
        return events;
    }

    public Inventory inventory() {
        return inventory;
    }

    @Override
    public void close() {
        server.close();
    }
}
