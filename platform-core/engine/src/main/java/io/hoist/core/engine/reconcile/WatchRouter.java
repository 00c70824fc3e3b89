package io.hoist.core.engine.reconcile;

import com.fasterxml.jackson.databind.JsonNode;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Turns store and inventory changes into reconcile requests. The store calls its watch listeners while it holds its
 * write lock, so the listener here only hands the event to this router's own serial thread (order kept); listing
 * and parsing happen there, never under the store's lock. It watches and lists without item lists (a plan's VM
 * entries): what it routes on are names, uids and generations.
 */
public final class WatchRouter {
    /** Inventory changes are gathered this long before a provider's plans are recomputed. */
    static final long INVENTORY_SETTLE_MS = 500;

    /** What the router tells the rest of the engine. */
    public interface Targets {
        void enqueue(Messages.Reconcile r);

        void providerDeleted(String uid, String type);

        void planDeleted(Messages.PlanKey plan);

        /** A Migration was deleted: as in MTV, its running VMs are canceled (the seed's procedure to stop one). */
        void migrationDeleted(String migrationUid, Messages.PlanKey plan);

        /** A Migration's spec changed (new generation): its waiting runs look again now. */
        void migrationChanged(String migrationUid);

        /** Settings changed (a new in-flight limit): waiting transfers are looked at again. */
        void settingsChanged();
    }

    private final ResourceStore store;
    private final Targets targets;
    private final ExecutorService events;
    private final ScheduledExecutorService timer;
    private final Set<String> inventoryChanged = ConcurrentHashMap.newKeySet();
    /**
     * What a pass over a Plan depends on, per plan uid, as last routed: its metadata (but the resourceVersion) and a
     * hash of its spec. A change of the plan's status alone (the engine's own writes: Ready, a Migration's start, its
     * end) routes no pass: in a 5,000-VM plan that pass re-validated every VM while the first copies waited for the
     * CPU. What a plan's conditions read besides its spec (providers, maps, hooks, inventory) requeues it on its own.
     */
    private final Map<String, String> planInputs = new ConcurrentHashMap<>();
    /** Last seen generation per Migration uid, to tell spec changes from status writes. */
    private final Map<String, Long> migrationGenerations = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public WatchRouter(ResourceStore store, Targets targets, ExecutorService events, ScheduledExecutorService timer) {
        this.store = store;
        this.targets = targets;
        this.events = events;
        this.timer = timer;
    }

    /** The store's watch listener: hands the event over, returns at once. */
    public Consumer<ResourceStore.WatchEvent> listener() {
        return e -> submit(() -> route(e));
    }

    /** The inventory's change listener (called on the publishing thread): hands over as well. */
    public Consumer<String> inventoryListener() {
        return uid -> submit(() -> onInventoryChange(uid));
    }

    private void submit(Runnable r) {
        if (closed) {
            return;
        }
        try {
            events.execute(r);
        } catch (RejectedExecutionException stopping) {
            // closing
        }
    }

    private void route(ResourceStore.WatchEvent e) {
        ResourceKind kind = e.kind();
        ObjectNode o = e.object();
        String ns = o.path("metadata").path("namespace").asText();
        String name = o.path("metadata").path("name").asText();
        boolean deleted = "DELETED".equals(e.type());
        if (e.itemsOnly()) {
            // VM entries written by the engine's own status writer: the runs that wrote them enqueue what must
            // look again when they end, so a batch of phase changes costs no reconcile pass.
            return;
        }
        switch (kind) {
            case PROVIDER -> {
                if (deleted) {
                    targets.providerDeleted(o.path("metadata").path("uid").asText(), o.path("spec").path("type").asText());
                } else {
                    targets.enqueue(new Messages.Reconcile(kind, ns, name));
                }
                requeueAll(ResourceKind.PLAN);
            }
            case SECRET, HOST -> requeueAll(ResourceKind.PROVIDER); // a provider's plugin is rebuilt with its new Secret or Hosts
            case PLAN -> {
                String uid = o.path("metadata").path("uid").asText();
                if (deleted) {
                    planInputs.remove(uid);
                    targets.planDeleted(new Messages.PlanKey(ns, name));
                } else if (!inputs(o).equals(planInputs.put(uid, inputs(o)))) {
                    targets.enqueue(new Messages.Reconcile(kind, ns, name));
                }
            }
            case MIGRATION -> {
                String uid = o.path("metadata").path("uid").asText();
                if (deleted) {
                    migrationGenerations.remove(uid);
                    JsonNode planRef = o.path("spec").path("plan");
                    String planNs = planRef.path("namespace").asText("");
                    targets.migrationDeleted(uid, new Messages.PlanKey(planNs.isEmpty() ? ns : planNs, planRef.path("name").asText()));
                    targets.enqueue(new Messages.Reconcile(ResourceKind.PLAN, planNs.isEmpty() ? ns : planNs,
                            planRef.path("name").asText()));
                    return;
                }
                targets.enqueue(new Messages.Reconcile(kind, ns, name));
                // Only a spec change (new generation: cutover set or moved) wakes the runs; the engine's own
                // status writes to the Migration come every few seconds and must not.
                long generation = o.path("metadata").path("generation").asLong();
                Long seen = migrationGenerations.put(uid, generation);
                if (seen != null && seen != generation) {
                    targets.migrationChanged(uid);
                }
            }
            case NETWORK_MAP, STORAGE_MAP, HOOK -> requeueAll(ResourceKind.PLAN);
            case FORKLIFT_CONTROLLER -> targets.settingsChanged();
            default -> { }
        }
    }

    /**
     * A provider's inventory moved (a VM appeared or went, validation concerns changed): its plans' conditions are
     * recomputed after a short settle time, so a burst of changes (a full collection) costs one pass per plan.
     */
    private void onInventoryChange(String providerUid) {
        if (closed || !inventoryChanged.add(providerUid)) {
            return;
        }
        try {
            timer.schedule(() -> submit(() -> {
                inventoryChanged.remove(providerUid);
                requeuePlansOf(providerUid);
            }), INVENTORY_SETTLE_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            inventoryChanged.remove(providerUid); // shutting down
        }
    }

    private void requeuePlansOf(String providerUid) {
        Set<String> refs = new HashSet<>();
        for (ObjectNode p : store.listWithoutItems(ResourceKind.PROVIDER, null)) {
            if (providerUid.equals(p.path("metadata").path("uid").asText())) {
                refs.add(p.path("metadata").path("namespace").asText() + "/" + p.path("metadata").path("name").asText());
            }
        }
        if (refs.isEmpty()) {
            return;
        }
        for (ObjectNode plan : store.listWithoutItems(ResourceKind.PLAN, null)) {
            String ns = plan.path("metadata").path("namespace").asText();
            for (String side : List.of("source", "destination")) {
                var ref = plan.path("spec").path("provider").path(side);
                String refNs = ref.path("namespace").asText("");
                if (refs.contains((refNs.isEmpty() ? ns : refNs) + "/" + ref.path("name").asText())) {
                    targets.enqueue(new Messages.Reconcile(ResourceKind.PLAN, ns, plan.path("metadata").path("name").asText()));
                    break;
                }
            }
        }
    }

    /** A plan's metadata but its resourceVersion, and its spec's hash: what tells a spec or label change from a status write. */
    private static String inputs(ObjectNode plan) {
        JsonNode metadata = plan.path("metadata");
        ObjectNode meta = metadata instanceof ObjectNode m ? m.deepCopy() : plan.objectNode();
        meta.remove("resourceVersion");
        return meta + "#" + plan.path("spec").hashCode();
    }

    /** Every object of a kind gets a pass (start, resync, a change many objects depend on). */
    public void requeueAll(ResourceKind kind) {
        for (ObjectNode o : store.listWithoutItems(kind, null)) {
            targets.enqueue(new Messages.Reconcile(kind, o.path("metadata").path("namespace").asText(),
                    o.path("metadata").path("name").asText()));
        }
    }

    public void close() {
        closed = true;
    }
}
