package io.hoist.core.engine.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.controller.MigrationController;
import io.hoist.core.engine.controller.PlanController;
import io.hoist.core.engine.controller.ProviderController;
import io.hoist.core.engine.run.ArchiveCleanup;
import io.hoist.core.engine.status.StatusWriter;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.resource.Migration;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.VmStatus;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import java.util.Set;

/**
 * One reconcile pass over one object: reads it, asks its controller what it should look like and writes the
 * difference (Plans and Migrations through the status writer, Providers directly). Returns whether the object
 * should be looked at again soon.
 */
public final class ObjectReconciler {
    private final ResourceStore store;
    private final ObjectMapper mapper;
    private final StatusWriter status;
    private final ProviderController providers;
    private final PlanController plans;
    private final MigrationController migrations;
    private final ArchiveCleanup archive;

    public ObjectReconciler(ResourceStore store, ObjectMapper mapper, StatusWriter status, ProviderController providers,
                            PlanController plans, MigrationController migrations, ArchiveCleanup archive) {
        this.store = store;
        this.mapper = mapper;
        this.status = status;
        this.providers = providers;
        this.plans = plans;
        this.migrations = migrations;
        this.archive = archive;
    }

    /** Returns true when the object should be looked at again soon; false for a gone object. */
    public boolean reconcile(Messages.Reconcile r) {
        // A Migration's pass reads its own fields only; its VM entries are the plan's (read by the controller)
        // Counted before the plan is read: a start whose write this read misses moves the count, and the pass stops.
        long starts = r.kind() == ResourceKind.PLAN ? migrations.starts(new Messages.PlanKey(r.namespace(), r.name())) : 0;
        var stored = r.kind() == ResourceKind.MIGRATION || r.kind() == ResourceKind.PLAN
                ? store.getWithoutItems(r.kind(), r.namespace(), r.name())
                : store.get(r.kind(), r.namespace(), r.name());
        if (stored.isEmpty()) {
            return false;
        }
        ObjectNode o = stored.get();
        return switch (r.kind()) {
            case PROVIDER -> provider(o);
            case PLAN -> plan(withEntries(mapper.convertValue(o, Plan.class)), starts);
            case MIGRATION -> migrations.reconcile(mapper.convertValue(o, Migration.class)).waiting();
            default -> false;
        };
    }

    /**
     * The plan (read without its entry rows) with what its pass reads of each VM entry: whether it ended and how
     * ({@code completed}, {@code conditions}), from the status writer's copy, which every VM change goes through. Reading,
     * assembling and converting thousands of entries (a whole typed plan) at every 15-s pass was a tenth of a big plan's
     * CPU and, at 20,000 VMs, a second copy of its status in the heap. Whole entries are read from the store, one at a
     * time, only for an archived plan (its cleanup reads each VM's hooks) or when the writer holds no copy (a plan this
     * process has not written since it started, or a cluster's controllers, which read through).
     */
    private Plan withEntries(Plan plan) {
        if (plan.status == null || plan.status.migration == null) {
            return plan; // never run: no entries
        }
        Messages.PlanKey key = new Messages.PlanKey(plan.namespace(), plan.name());
        Optional<List<VmStatus>> outcomes = plan.spec != null && plan.spec.isArchived() ? Optional.empty()
                : status.entryOutcomes(key);
        if (outcomes.isPresent()) {
            plan.status.migration.vms = outcomes.get();
            return plan;
        }
        store.get(ResourceKind.PLAN, plan.namespace(), plan.name()).ifPresent(full -> {
            if (full.at("/status/migration/vms") instanceof com.fasterxml.jackson.databind.node.ArrayNode items) {
                List<VmStatus> vms = new ArrayList<>(items.size());
                items.forEach(item -> vms.add(mapper.convertValue(item, VmStatus.class)));
                plan.status.migration.vms = vms;
            }
        });
        return plan;
    }

    private boolean provider(ObjectNode provider) {
        ProviderController.Outcome out = providers.reconcile(provider);
        writeStatusIfChanged(ResourceKind.PROVIDER, provider, out.conditions(), out.phase());
        return "Staging".equals(out.phase()) || "ConnectionFailed".equals(out.phase());
    }

    /** @param starts the plan's Migration starts before it was read ({@link MigrationController#starts}) */
    private boolean plan(Plan plan, long starts) {
        if (!Conditions.isTrue(plan.status == null ? null : plan.status.conditions, Conditions.EXECUTING)) {
            archive.onPlan(plan);
        }
        Messages.PlanKey key = new Messages.PlanKey(plan.namespace(), plan.name());
        Optional<List<Condition>> validated = plans.conditions(plan, () -> migrations.starts(key) != starts);
        if (validated.isEmpty()) {
            return true; // a Migration started the plan meanwhile: the next pass, soon, reads it executing
        }
        List<Condition> wanted = validated.get();
        List<Condition> current = plan.status == null ? null : plan.status.conditions;
        if (sameConditions(current, wanted)) {
            return false;
        }
        Long generation = plan.metadata.generation;
        status.updatePlan(key, p -> {
            if (p.status == null) {
                p.status = new Plan.Status();
            }
            // Execution conditions are the migration controller's: computed here from a plan read before the
            // batch, they could undo a Migration's start or completion written meanwhile.
            boolean executingNow = Conditions.isTrue(p.status.conditions, Conditions.EXECUTING);
            for (Condition c : wanted) {
                if (isExecution(c.type) && executingNow != Conditions.isTrue(current, Conditions.EXECUTING)) {
                    continue;
                }
                p.status.conditions = Conditions.set(p.status.conditions, c, Instant.now());
            }
            Set<String> keep = new HashSet<>();
            wanted.forEach(c -> keep.add(c.type));
            p.status.conditions = new ArrayList<>(p.status.conditions == null ? List.of() : p.status.conditions);
            p.status.conditions.removeIf(c -> !keep.contains(c.type) && !Boolean.TRUE.equals(c.durable)
                    && !(isExecution(c.type) && executingNow != Conditions.isTrue(current, Conditions.EXECUTING)));
            p.status.observedGeneration = generation;
        }).join();
        return false;
    }

    private static boolean isExecution(String type) {
        return Conditions.EXECUTING.equals(type) || Conditions.SUCCEEDED.equals(type) || Conditions.FAILED.equals(type)
                || Conditions.CANCELED.equals(type);
    }

    private void writeStatusIfChanged(ResourceKind kind, ObjectNode o, List<Condition> wanted, String phase) {
        List<Condition> current = new ArrayList<>();
        o.path("status").path("conditions").forEach(c -> current.add(mapper.convertValue(c, Condition.class)));
        if (sameConditions(current, wanted) && Objects.equals(o.path("status").path("phase").asText(null), phase)) {
            return;
        }
        for (int attempt = 0; attempt < 10; attempt++) {
            ObjectNode fresh = attempt == 0 ? o.deepCopy() : store.get(kind, o.path("metadata").path("namespace").asText(),
                    o.path("metadata").path("name").asText()).orElse(null);
            if (fresh == null) {
                return;
            }
            List<Condition> stored = new ArrayList<>();
            fresh.path("status").path("conditions").forEach(c -> stored.add(mapper.convertValue(c, Condition.class)));
            List<Condition> list = stored;
            for (Condition c : wanted) {
                list = Conditions.set(list, c, Instant.now());
            }
            List<Condition> next = new ArrayList<>();
            for (Condition c : list) {
                if (wanted.stream().anyMatch(w -> w.type.equals(c.type))) {
                    next.add(c);
                }
            }
            ObjectNode st = fresh.with("status");
            st.set("conditions", mapper.valueToTree(next));
            if (phase != null) {
                st.put("phase", phase);
            }
            st.put("observedGeneration", fresh.path("metadata").path("generation").asLong());
            try {
                store.updateStatus(kind, fresh);
                return;
            } catch (StoreException.Conflict c) {
                // re-read and retry
            }
        }
    }

    /** Equal when the same types have the same status, reason, category and message (times ignored). */
    public static boolean sameConditions(List<Condition> a, List<Condition> b) {
        List<Condition> x = a == null ? List.of() : a;
        List<Condition> y = b == null ? List.of() : b;
        if (x.size() != y.size()) {
            return false;
        }
        for (Condition c : y) {
            Condition d = x.stream().filter(e -> Objects.equals(e.type, c.type)).findFirst().orElse(null);
            if (d == null || !Objects.equals(d.status, c.status) || !Objects.equals(d.reason, c.reason)
                    || !Objects.equals(d.category, c.category) || !Objects.equals(d.message, c.message)
                    || !Objects.equals(d.items, c.items)) {
                return false;
            }
        }
        return true;
    }
}
