package io.hoist.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.InventoryDocument;
import io.hoist.core.inventory.InventoryEvent;
import io.hoist.core.inventory.ProviderStatus;
import io.hoist.core.validation.rules.CustomRules;
import io.hoist.core.validation.rules.RulePackage;
import io.hoist.core.validation.rules.RulePackages;
import io.hoist.core.validation.rules.RuleFile;
import io.hoist.core.validation.rules.RuleSet;
import io.hoist.core.validation.rules.RuleSetCompiler;
import io.hoist.core.validation.rules.RuleSetException;
import io.hoist.policy.engine.Limits;
import io.hoist.policy.engine.PolicyEvaluationException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * MTV's validation service inside the platform: keeps one compiled rule set per provider package
 * (defaults merged with custom rules), validates a VM whenever its inventory document changes and every
 * VM of a package when its rules change, and writes the {@code concerns} onto the VM's inventory documents
 * (vms and workloads), where the plan controller turns Critical ones into VMCriticalConcerns.
 */
public final class ValidationService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ValidationService.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fields the service itself writes onto documents; they are not part of the rules' input. */
    private static final Set<String> OWN_FIELDS = Set.of("concerns", "revisionValidated");

    private final Inventory inventory;
    private final Path rulesDir;
    private final RulePackages packages;
    private final RuleSetCompiler compiler;
    private final Duration compileBudget;
    private final Map<String, RuleSet> active = new ConcurrentHashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    /** Custom rules by source (ConfigMap or bundle name), then by package; only the rules thread touches it. */
    private final Map<String, Map<String, List<RuleFile>>> posted = new LinkedHashMap<>();
    private final Map<String, String> directoryFingerprints = new ConcurrentHashMap<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Set<String> again = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService poller;
    /**
     * Every rule change (start, DATA/rules, ConfigMaps, bundles) runs here, one at a time, so no caller ever
     * compiles or trial-evaluates rules while holding a lock someone else needs (a store commit, the
     * validation workers). Each compile runs on its own thread within {@link #compileBudget}.
     */
    private final ExecutorService rulesThread;
    private final AtomicLong validated = new AtomicLong();
    /** Where evaluation latencies go; an empty composite (records nothing) until {@link #meterEvaluations}. */
    private volatile MeterRegistry meters = new CompositeMeterRegistry();
    private AutoCloseable subscription;

    /**
     * @param rulesDir {@code DATA/rules}: custom rules in {@code rulesDir/<package>/*.rego}
     * @param threads  validation threads (rules are CPU-bound: one per core)
     */
    public ValidationService(Inventory inventory, Path rulesDir, Limits limits, int threads) {
        this(inventory, rulesDir, limits, threads, RulePackages.builtin());
    }

    public ValidationService(Inventory inventory, Path rulesDir, Limits limits, int threads, RulePackages packages) {
        // validation never reaches the network, whatever the caller's limits: http.send and net.lookup_ip_addr in a
        // rule fail as builtin errors (undefined), so a custom rule cannot call out from the platform by surprise
        this(inventory, rulesDir, threads, packages, new RuleSetCompiler(limits.withNetwork(false)), Duration.ofSeconds(60));
    }

    ValidationService(Inventory inventory, Path rulesDir, int threads, RulePackages packages, RuleSetCompiler compiler,
                      Duration compileBudget) {
        this.inventory = inventory;
        this.rulesDir = rulesDir;
        this.packages = packages;
        this.compiler = compiler;
        this.compileBudget = compileBudget;
        this.workers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemon("hoist-validation"));
        this.poller = Executors.newSingleThreadScheduledExecutor(daemon("hoist-validation-rules-watch"));
        this.rulesThread = Executors.newSingleThreadExecutor(daemon("hoist-validation-rules"));
    }

    /** The platform's settings: AOT-compiled rules, one thread per core. */
    public static ValidationService create(Inventory inventory, Path dataDir, RulePackages packages) {
        return new ValidationService(inventory, dataDir.resolve("rules"), Limits.defaults().withMode(Limits.Mode.AOT),
                Runtime.getRuntime().availableProcessors(), packages);
    }

    public RulePackages packages() {
        return packages;
    }

    /** {@link #start(Duration, Duration)} waiting up to a minute for the first rules. */
    public ValidationService start(Duration pollEvery) {
        return start(pollEvery, Duration.ofSeconds(60));
    }

    /**
     * Subscribes to the inventory and compiles every package on the rules thread (defaults merged with
     * DATA/rules; a package whose custom rules are refused or overrun the compile budget starts with its
     * defaults only, the reason kept in {@link #errors()}); waits at most {@code startupWait} for that, so bad
     * stored rules never block the platform's start. Then rescans DATA/rules every {@code pollEvery}.
     */
    public ValidationService start(Duration pollEvery, Duration startupWait) {
        subscription = inventory.addListener(this::onInventoryEvent);
        Future<?> initial = rulesThread.submit(this::loadInitialRules);
        try {
            initial.get(startupWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "validation rules still compiling after " + startupWait.toSeconds()
                    + " s; packages become active as they finish: " + pendingPackages());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.log(System.Logger.Level.ERROR, "loading the validation rules failed", e.getCause());
        }
        long ms = pollEvery.toMillis();
        poller.scheduleWithFixedDelay(() -> {
            try {
                rescanDirectory();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "rescanning " + rulesDir + " failed", e);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    private List<String> pendingPackages() {
        return packages.names().stream().filter(p -> !active.containsKey(p)).toList();
    }

    private void loadInitialRules() {
        for (String pkg : packages.names()) {
            RulePackage rp = packages.get(pkg).orElseThrow();
            directoryFingerprints.put(pkg, fingerprint(rp));
            try {
                activate(pkg, compile(pkg, posted));
            } catch (RuleSetException e) {
                errors.put(pkg, e.getMessage());
                LOG.log(System.Logger.Level.ERROR, "custom " + pkg + " rules refused, using the defaults: " + e.getMessage());
                try {
                    RuleSet defaultsOnly = compileWithin(pkg, rp.defaults(), List.of());
                    active.put(pkg, defaultsOnly);
                    revalidate(pkg);
                } catch (RuleSetException d) {
                    // kept out: its VMs get no concerns until a fixed rule set arrives; GET /v1/validation/rules says why
                    errors.put(pkg, "the default " + pkg + " rules were refused: " + d.getMessage());
                    LOG.log(System.Logger.Level.ERROR, "default " + pkg + " rules refused, package inactive: " + d.getMessage());
                }
            }
        }
    }

    // ---- rules ----

    public Optional<RuleSet> ruleSet(String pkg) {
        return Optional.ofNullable(active.get(pkg));
    }

    /** The last refusal per package (custom rules that did not compile or conflict), cleared on success. */
    public Map<String, String> errors() {
        return Map.copyOf(errors);
    }

    /**
     * Adds or replaces a ConfigMap's rules (data: file name to Rego). All-or-nothing: when one package's
     * rules are refused, nothing changes and the exception says why.
     */
    public void applyConfigMap(String name, Map<String, String> data) {
        onRulesThread(() -> replacePosted("configmap " + name, CustomRules.fromConfigMap(name, data, packages)));
    }

    public void removeConfigMap(String name) {
        onRulesThread(() -> replacePosted("configmap " + name, null));
    }

    /** Adds or replaces an OPA bundle's .rego files (the bundle's .tar.gz). */
    public void applyBundle(String name, byte[] tarGz) {
        onRulesThread(() -> replacePosted("bundle " + name, CustomRules.fromBundle(name, tarGz, packages)));
    }

    public void removeBundle(String name) {
        onRulesThread(() -> replacePosted("bundle " + name, null));
    }

    /** Re-reads DATA/rules now (the poller does this periodically); returns the packages that changed. */
    public List<String> rescanDirectory() {
        return onRulesThread(() -> {
            List<String> changed = new ArrayList<>();
            for (String pkg : packages.names()) {
                RulePackage rp = packages.get(pkg).orElseThrow();
                String now = fingerprint(rp);
                if (now.equals(directoryFingerprints.get(pkg))) {
                    continue;
                }
                directoryFingerprints.put(pkg, now);
                try {
                    activate(pkg, compile(pkg, posted));
                    changed.add(pkg);
                } catch (RuleSetException e) {
                    errors.put(pkg, e.getMessage());
                    LOG.log(System.Logger.Level.ERROR, "custom " + pkg + " rules refused, previous rules stay active: " + e.getMessage());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "rescanning " + rulesDir.resolve(pkg) + " failed", e);
                }
            }
            return changed;
        });
    }

    private void onRulesThread(Runnable change) {
        onRulesThread(() -> {
            change.run();
            return null;
        });
    }

    /** Runs a rule change on the rules thread and waits for it; its RuleSetException reaches the caller. */
    private <T> T onRulesThread(java.util.concurrent.Callable<T> change) {
        Future<T> f = rulesThread.submit(change);
        try {
            // bounded: a change waits for at most the changes queued before it, each bounded by the compile budget
            return f.get(compileBudget.toMillis() * (packages.names().size() + 2) + 60_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new RuleSetException("the rules thread is busy; try again (no rules were changed)");
        } catch (java.util.concurrent.CancellationException e) {
            throw new RuleSetException("the validation service is stopping; no rules were changed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuleSetException("interrupted while waiting for the rules to compile", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void replacePosted(String source, Map<String, List<RuleFile>> byPackage) {
        Map<String, Map<String, List<RuleFile>>> next = new LinkedHashMap<>(posted);
        Map<String, List<RuleFile>> previous = byPackage == null ? next.remove(source) : next.put(source, byPackage);
        List<String> touched = new ArrayList<>();
        for (String pkg : packages.names()) {
            if ((byPackage != null && byPackage.containsKey(pkg)) || (previous != null && previous.containsKey(pkg))) {
                touched.add(pkg);
            }
        }
        Map<String, RuleSet> compiled = new LinkedHashMap<>();
        for (String pkg : touched) {
            try {
                compiled.put(pkg, compile(pkg, next));
            } catch (RuleSetException e) {
                errors.put(pkg, e.getMessage());
                throw e;
            }
        }
        posted.clear();
        posted.putAll(next);
        compiled.forEach(this::activate);
    }

    private RuleSet compile(String pkg, Map<String, Map<String, List<RuleFile>>> from) {
        RulePackage rp = packages.get(pkg).orElseThrow();
        List<RuleFile> customs = new ArrayList<>(CustomRules.fromDirectory(rulesDir, rp));
        from.values().forEach(byPkg -> customs.addAll(byPkg.getOrDefault(pkg, List.of())));
        return compileWithin(pkg, rp.defaults(), customs);
    }

    /**
     * Compiles on a thread of its own and waits at most the compile budget: a rule set that overruns it is
     * refused (the thread is left to finish and its result dropped), so no rule can hold up the rules thread.
     */
    private RuleSet compileWithin(String pkg, List<RuleFile> defaults, List<RuleFile> customs) {
        java.util.concurrent.CompletableFuture<RuleSet> result = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(compiler.compile(pkg, defaults, customs));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "hoist-validation-compile-" + pkg);
        t.setDaemon(true);
        t.start();
        try {
            return result.get(compileBudget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            throw new RuleSetException("compiling the " + pkg + " rules took longer than " + compileBudget.toSeconds()
                    + " s; they were not activated");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuleSetException("interrupted while compiling the " + pkg + " rules", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuleSetException r) {
                throw r;
            }
            throw new RuleSetException("compiling the " + pkg + " rules failed: " + e.getCause(), e.getCause());
        }
    }

    private void activate(String pkg, RuleSet rules) {
        RuleSet old = active.put(pkg, rules);
        errors.remove(pkg);
        LOG.log(System.Logger.Level.INFO, pkg + " rules active: rules_version " + rules.rulesVersion() + ", "
                + rules.files().size() + " files" + (old == null ? "" : " (was rules_version " + old.rulesVersion() + ")"));
        revalidate(pkg);
    }

    private String fingerprint(RulePackage pkg) {
        StringBuilder sb = new StringBuilder();
        for (String folder : CustomRules.folders(pkg)) {
            Path dir = rulesDir.resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.sorted().toList()) {
                    sb.append(folder).append('/').append(p.getFileName()).append(':').append(Files.size(p)).append(':')
                            .append(Files.getLastModifiedTime(p).toMillis()).append(';');
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sb.toString();
    }

    // ---- validation ----

    /** Evaluates one rule of a package for an input (the OPA data API); null when the rule is undefined. */
    public JsonNode evaluate(String pkg, String rule, String inputJson) {
        if (packages.get(pkg).isEmpty()) {
            throw new IllegalArgumentException("unknown rules package '" + pkg + "' (known: " + packages.names() + ")");
        }
        RuleSet rules = active.get(pkg);
        if (rules == null) {
            String why = errors.get(pkg);
            throw new IllegalStateException("the " + pkg + " rules are not active" + (why == null ? " yet (still compiling)" : ": " + why));
        }
        return rules.evaluate(rule, inputJson);
    }

    /** Queues every VM of every provider whose type uses this package. */
    public int revalidate(String pkg) {
        int n = 0;
        for (ProviderStatus p : inventory.providers(packages.get(pkg).orElseThrow().providerType())) {
            for (InventoryDocument vm : inventory.list(p.ref().uid(), "vms").orElse(List.of())) {
                enqueue(p.ref().uid(), vm.id());
                n++;
            }
        }
        return n;
    }

    /** Records every VM validation (count and latency, per rules package and outcome) in {@code registry}. */
    public ValidationService meterEvaluations(MeterRegistry registry) {
        this.meters = registry;
        return this;
    }

    /** VMs validated since start. */
    public long validatedCount() {
        return validated.get();
    }

    /** Waits until no validation is queued or running; false on timeout. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        // inFlight counts from enqueue to the end of the task: the executor's own counters leave a gap
        // between a worker taking a task off the queue and counting itself active.
        while (inFlight.get() > 0) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    private void onInventoryEvent(InventoryEvent e) {
        if ((e.type() == InventoryEvent.Type.ADDED || e.type() == InventoryEvent.Type.UPDATED)
                && ("vms".equals(e.collection()) || "workloads".equals(e.collection()))) {
            enqueue(e.providerUid(), e.id());
        }
    }

    /**
     * At most one validation per VM at a time: a change that arrives while its VM is being validated
     * schedules one more run after it, so an older result can never overwrite a newer one.
     */
    private void enqueue(String uid, String vmId) {
        String key = uid + "/" + vmId;
        synchronized (pending) {
            if (running.contains(key)) {
                again.add(key);
                return;
            }
            if (!pending.add(key)) {
                return; // queued and not started: it will read the newest documents
            }
            inFlight.incrementAndGet();
        }
        submit(uid, vmId, key);
    }

    private void submit(String uid, String vmId, String key) {
        try {
            workers.execute(() -> run(uid, vmId, key));
        } catch (RuntimeException rejected) {
            synchronized (pending) {
                pending.remove(key);
            }
            inFlight.decrementAndGet();
            throw rejected;
        }
    }

    private void run(String uid, String vmId, String key) {
        synchronized (pending) {
            pending.remove(key);
            running.add(key);
        }
        try {
            validateVm(uid, vmId);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "validating VM " + vmId + " of provider " + uid + " failed", ex);
        } finally {
            boolean rerun;
            synchronized (pending) {
                running.remove(key);
                rerun = again.remove(key);
                if (rerun) {
                    pending.add(key);
                    inFlight.incrementAndGet();
                }
            }
            inFlight.decrementAndGet();
            if (rerun) {
                submit(uid, vmId, key);
            }
        }
    }

    private void validateVm(String uid, String vmId) {
        Optional<String> pkg = inventory.provider(uid).flatMap(p -> packages.forProviderType(p.ref().type()));
        RuleSet rules = pkg.map(active::get).orElse(null);
        Optional<InventoryDocument> vm = inventory.document(uid, "vms", vmId);
        if (rules == null || vm.isEmpty()) {
            return;
        }
        Optional<Map<String, Object>> workload = inventory.workload(uid, vmId);
        Map<String, Object> input = new LinkedHashMap<>(workload.orElseGet(() -> inventory.get(uid, "vms", vmId).orElseThrow()));
        OWN_FIELDS.forEach(input::remove);
        Object concerns;
        long started = System.nanoTime();
        try {
            JsonNode result = rules.validate(input);
            evaluated(pkg.get(), "ok", started);
            JsonNode list = result == null ? null : result.get("concerns");
            concerns = list == null ? List.of() : JSON.convertValue(list, List.class);
        } catch (PolicyEvaluationException | IllegalArgumentException e) {
            evaluated(pkg.get(), "failed", started);
            // the user sees that the rules could not run on this VM instead of a silently clean VM
            concerns = List.of(Map.of("id", "validation.failed", "category", "Warning",
                    "label", "Validation failed", "assessment", "The " + pkg.get() + " rules failed on this VM: " + e.getMessage()));
        }
        inventory.annotate(uid, "vms", vmId, "concerns", concerns);
        inventory.annotate(uid, "vms", vmId, "revisionValidated", vm.get().revision());
        if (workload.isPresent()) {
            inventory.annotate(uid, "workloads", vmId, "concerns", concerns);
        }
        validated.incrementAndGet();
    }

    private void evaluated(String pkg, String outcome, long startedNanos) {
        Timer.builder("hoist_validation_duration")
                .description("Validations of one VM by its provider's rules (count and latency), per package and outcome")
                .tags("package", pkg, "outcome", outcome)
                .serviceLevelObjectives(Stream.of(1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000)
                        .map(Duration::ofMillis).toArray(Duration[]::new))
                .register(meters).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        try {
            if (subscription != null) {
                subscription.close();
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "removing the inventory listener failed", e);
        }
        poller.shutdownNow();
        rulesThread.shutdownNow();
        workers.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
