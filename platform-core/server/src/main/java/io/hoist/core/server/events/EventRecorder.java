package io.hoist.core.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Kubernetes-style Events for what an operator looks for at 2 a.m.: a plan or migration turning Ready, Executing,
 * Succeeded, Failed or Canceled; each VM starting, succeeding, failing (with the phase and reasons), being canceled
 * or retrying a precopy; concerns (Critical/Error/Warn conditions) appearing on a plan or on a VM (a source reporting
 * the VM moved or snapshotted under the migration). It watches the status the
 * engine's status writer stores, so it sees exactly the durable transitions and nothing the engine only intended.
 *
 * <p>Like the API server's event correlator, a repeat of the same reason and message on the same object bumps
 * {@code count} and {@code lastTimestamp} instead of adding an object. Retention is bounded: events older than
 * {@link #TTL} go, and each namespace keeps at most {@link #MAX_PER_NAMESPACE} (oldest dropped first).
 */
public final class EventRecorder implements AutoCloseable {
    public static final Duration TTL = Duration.ofHours(24);
    public static final int MAX_PER_NAMESPACE = 1000;
    public static final String COMPONENT = "hoist-engine";

    private static final System.Logger LOG = System.getLogger(EventRecorder.class.getName());
    private static final List<String> PLAN_CONDITIONS = List.of("Ready", "Executing", "Succeeded", "Failed", "Canceled", "Archived");
    private static final List<String> CONCERN_CATEGORIES = List.of("Critical", "Error", "Warn");

    private final ResourceStore store;
    private final Duration ttl;
    private final int maxPerNamespace;
    /** What each object last looked like: condition/VM state keys that were true. */
    private final Map<String, Map<String, String>> seen = new ConcurrentHashMap<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("hoist-events").factory());
    private final ScheduledExecutorService pruner = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("hoist-events-prune").factory());
    private final List<ResourceStore.Watch> watches = new ArrayList<>();
    /** The newest Plan/Migration resourceVersion handled so far (for {@link #flush}). */
    private volatile long handledVersion;

    private EventRecorder(ResourceStore store, Duration ttl, int maxPerNamespace) {
        this.store = store;
        this.ttl = ttl;
        this.maxPerNamespace = maxPerNamespace;
    }

    /** Starts recording; what is stored now is the baseline (a restart emits nothing for old transitions). */
    public static EventRecorder start(ResourceStore store) {
        return start(store, TTL, MAX_PER_NAMESPACE);
    }

    public static EventRecorder start(ResourceStore store, Duration ttl, int maxPerNamespace) {
        EventRecorder r = new EventRecorder(store, ttl, maxPerNamespace);
        long since = store.currentVersion();
        r.handledVersion = since;
        for (ResourceKind kind : List.of(ResourceKind.PLAN, ResourceKind.MIGRATION)) {
            for (ObjectNode o : store.list(kind, null)) {
                r.seen.put(key(kind, o), state(kind, o));
            }
            r.watches.add(store.watch(kind, null, since, e -> r.writer.execute(() -> r.onChange(e))));
        }
        r.pruner.scheduleWithFixedDelay(() -> r.writer.execute(r::prune), 1, 5, TimeUnit.MINUTES);
        return r;
    }

    private void onChange(ResourceStore.WatchEvent e) {
        try {
            recordTransitions(e);
        } finally {
            handledVersion = Math.max(handledVersion, version(e.object()));
        }
    }

    private static long version(JsonNode object) {
        try {
            return Long.parseLong(object.path("metadata").path("resourceVersion").asText("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void recordTransitions(ResourceStore.WatchEvent e) {
        String k = key(e.kind(), e.object());
        if ("DELETED".equals(e.type())) {
            seen.remove(k);
            return;
        }
        Map<String, String> now = state(e.kind(), e.object());
        Map<String, String> before = seen.getOrDefault(k, Map.of());
        seen.put(k, now);
        now.forEach((stateKey, message) -> {
            if (!before.containsKey(stateKey)) {
                record(e.kind(), e.object(), stateKey, message);
            }
        });
    }

    /**
     * The notable facts about an object, keyed so that a new key is a new event: "Succeeded", "VMFailed/vm-1",
     * "Concern/VMNotFound" → the event message.
     */
    static Map<String, String> state(ResourceKind kind, JsonNode o) {
        Map<String, String> s = new LinkedHashMap<>();
        JsonNode status = o.path("status");
        for (JsonNode c : status.path("conditions")) {
            String type = c.path("type").asText();
            if (!"True".equals(c.path("status").asText())) {
                continue;
            }
            String message = c.path("message").asText(type);
            if (PLAN_CONDITIONS.contains(type)) {
                s.put(type, message);
            } else if (CONCERN_CATEGORIES.contains(c.path("category").asText())) {
                s.put("Concern/" + type, c.path("category").asText() + ": " + message);
            }
        }
        if (kind == ResourceKind.PLAN) {
            for (JsonNode vm : status.path("migration").path("vms")) {
                String id = vm.path("id").asText();
                String name = vm.path("name").asText(id);
                if (!vm.path("started").asText("").isEmpty()) {
                    s.put("VMStarted/" + id, "VM " + name + " started migrating");
                }
                for (String end : List.of("Succeeded", "Failed", "Canceled")) {
                    for (JsonNode c : vm.path("conditions")) {
                        if (end.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                            String message = "VM " + name + " " + end.toLowerCase(java.util.Locale.ROOT);
                            if (end.equals("Failed") && vm.has("error")) {
                                message += " in phase " + vm.path("error").path("phase").asText("?") + ": "
                                        + String.join("; ", texts(vm.path("error").path("reasons")));
                            }
                            s.put("VM" + end + "/" + id, message);
                        }
                    }
                }
                // what a source reported about the VM mid-run (moved, snapshotted by someone else): one event per
                // distinct message, so a second move is an event too
                for (JsonNode c : vm.path("conditions")) {
                    if ("True".equals(c.path("status").asText()) && CONCERN_CATEGORIES.contains(c.path("category").asText())) {
                        String message = c.path("message").asText(c.path("type").asText());
                        s.put("VMConcern/" + c.path("type").asText() + "/" + id + "/" + Integer.toHexString(message.hashCode()),
                                "VM " + name + ": " + message);
                    }
                }
                int failures = vm.path("warm").path("failures").asInt(0);
                for (int i = 1; i <= failures; i++) {
                    s.put("PrecopyRetry/" + id + "/" + i, "VM " + name + ": precopy failed (" + i + " so far), retrying");
                }
            }
        }
        return s;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private void record(ResourceKind kind, JsonNode about, String stateKey, String message) {
        String reason = stateKey.contains("/") ? stateKey.substring(0, stateKey.indexOf('/')) : stateKey;
        if (reason.equals("Concern")) {
            reason = stateKey.substring("Concern/".length());
        } else if (reason.equals("VMConcern")) {
            String rest = stateKey.substring("VMConcern/".length());
            reason = rest.substring(0, rest.indexOf('/')); // the condition's type
        }
        boolean warning = reason.contains("Failed") || reason.equals("PrecopyRetry") || stateKey.startsWith("Concern/")
                || stateKey.startsWith("VMConcern/");
        String ns = about.path("metadata").path("namespace").asText();
        String name = about.path("metadata").path("name").asText();
        String eventName = name + "." + digest(kind.kind() + "/" + ns + "/" + name + "/" + reason + "/" + message);
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            var existing = store.get(ResourceKind.EVENT, ns, eventName);
            if (existing.isPresent()) {
                ObjectNode e = existing.get();
                e.put("count", e.path("count").asInt(1) + 1).put("lastTimestamp", now);
                store.update(ResourceKind.EVENT, e);
            } else {
                ObjectNode e = JsonNodeFactory.instance.objectNode();
                e.put("apiVersion", "v1").put("kind", "Event");
                e.putObject("metadata").put("name", eventName).put("namespace", ns);
                ObjectNode involved = e.putObject("involvedObject");
                involved.put("apiVersion", kind.apiVersion()).put("kind", kind.kind()).put("name", name).put("namespace", ns)
                        .put("uid", about.path("metadata").path("uid").asText());
                e.put("reason", reason).put("message", message).put("type", warning ? "Warning" : "Normal")
                        .put("count", 1).put("firstTimestamp", now).put("lastTimestamp", now)
                        .put("reportingComponent", COMPONENT).put("reportingInstance", "hoist");
                e.putObject("source").put("component", COMPONENT);
                store.create(ResourceKind.EVENT, e);
                pruneNamespace(ns);
            }
        } catch (StoreException | IllegalStateException e) {
            // The store closing at shutdown, or a full store: an event is worth less than a migration.
            LOG.log(System.Logger.Level.DEBUG, "event " + reason + " on " + kind.kind() + " " + ns + "/" + name + " not recorded: " + e.getMessage());
        }
    }

    /** Drops expired events everywhere and enforces the per-namespace cap. */
    void prune() {
        try {
            Map<String, List<ObjectNode>> byNs = new LinkedHashMap<>();
            for (ObjectNode e : store.list(ResourceKind.EVENT, null)) {
                byNs.computeIfAbsent(e.path("metadata").path("namespace").asText(), n -> new ArrayList<>()).add(e);
            }
            byNs.keySet().forEach(this::pruneNamespace);
        } catch (StoreException | IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, "event pruning skipped: " + e.getMessage());
        }
    }

    private void pruneNamespace(String ns) {
        List<ObjectNode> events = new ArrayList<>(store.list(ResourceKind.EVENT, ns));
        Instant cutoff = Instant.now().minus(ttl);
        // Oldest first; within a second, the store's write order (resourceVersion) decides.
        events.sort(Comparator.comparing(EventRecorder::last)
                .thenComparingLong(e -> e.path("metadata").path("resourceVersion").asLong(0)));
        int excess = events.size() - maxPerNamespace;
        for (int i = 0; i < events.size(); i++) {
            ObjectNode e = events.get(i);
            if (i < excess || last(e).isBefore(cutoff)) {
                store.delete(ResourceKind.EVENT, ns, e.path("metadata").path("name").asText());
            }
        }
    }

    private static Instant last(JsonNode e) {
        try {
            return Instant.parse(e.path("lastTimestamp").asText());
        } catch (RuntimeException unparsable) {
            return Instant.EPOCH;
        }
    }

    private static String key(ResourceKind kind, JsonNode o) {
        return kind + "/" + o.path("metadata").path("namespace").asText() + "/" + o.path("metadata").path("name").asText();
    }

    private static String digest(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until every Plan and Migration change stored so far is recorded (tests; shutdown). The store hands some
     * watch events over on a thread of its own (objects with item rows), so an empty writer queue alone does not
     * mean they arrived: this waits for the newest stored version to have been handled.
     */
    public void flush() {
        long target = 0;
        for (ResourceKind kind : List.of(ResourceKind.PLAN, ResourceKind.MIGRATION)) {
            for (ObjectNode o : store.listWithoutItems(kind, null)) {
                target = Math.max(target, version(o));
            }
        }
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        try {
            while (true) {
                writer.submit(() -> {}).get(2, TimeUnit.MINUTES);
                if (handledVersion >= target) {
                    return;
                }
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("events not flushed: handled up to version " + handledVersion
                            + ", stored " + target);
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("events not flushed: interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("events not flushed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        watches.forEach(ResourceStore.Watch::close);
        pruner.shutdownNow();
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Objects.requireNonNull(store);
    }
}
