package io.hoist.core.engine.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.hook.HookSpec;
import io.hoist.api.inventory.InventoryView;
import io.hoist.api.source.Snapshots;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.core.engine.hooks.Hooks;
import io.hoist.core.engine.run.TargetSpecBuilder;
import io.hoist.core.engine.run.VmRun;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.engine.runtime.ProviderRuntime;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.meta.Ref;
import io.hoist.core.model.resource.Hook;
import io.hoist.core.model.resource.NetworkMap;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.StorageMap;
import io.hoist.core.model.resource.VmStatus;
import io.hoist.core.store.ResourceStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes a plan's conditions from its references, the source inventory and the migration state.
 * Level-triggered and side-effect free: it returns the conditions; the engine's status writer
 * stores them. A plan is Ready only when no condition is Critical or Error.
 */
public final class PlanController {
    private final ResourceStore store;
    private final ObjectMapper mapper;
    private final ProviderRuntime providers;
    private final Extensions extensions;
    private final InventoryView inventory;

    public PlanController(ResourceStore store, ObjectMapper mapper, ProviderRuntime providers, Extensions extensions,
                          InventoryView inventory) {
        this.store = store;
        this.mapper = mapper;
        this.providers = providers;
        this.extensions = extensions;
        this.inventory = inventory;
    }

    /** Collects per-VM problems of one condition type into one condition with the VM ids as items. */
    private static final class Problems {
        final Map<String, Condition> byType = new LinkedHashMap<>();

        void add(String type, String category, String reason, String message, String item) {
            Condition c = byType.computeIfAbsent(type, t -> {
                Condition n = Condition.of(t, Condition.TRUE, category, reason, message);
                n.items = new ArrayList<>();
                return n;
            });
            if (item != null && !c.items.contains(item)) {
                c.items.add(item);
            }
        }

        void addPlain(String type, String category, String reason, String message) {
            byType.putIfAbsent(type, Condition.of(type, Condition.TRUE, category, reason, message));
        }
    }

    /** The conditions the plan should have now (validation plus execution state). */
    public List<Condition> conditions(Plan plan) {
        List<Condition> current = plan.status == null ? null : plan.status.conditions;
        if (Conditions.isTrue(current, Conditions.EXECUTING)) {
            // A running plan cannot be edited: its validation stands; only the execution state moves.
            List<Condition> out = new ArrayList<>();
            for (Condition c : current) {
                if (!List.of(Conditions.EXECUTING, Conditions.SUCCEEDED, Conditions.FAILED, Conditions.CANCELED).contains(c.type)) {
                    out.add(c);
                }
            }
            out.addAll(executionConditions(plan));
            return out;
        }
        Problems p = new Problems();
        String ns = plan.namespace();
        Plan.Spec spec = plan.spec;
        if (spec.isArchived()) {
            p.addPlain(Conditions.ARCHIVED, Condition.CATEGORY_ADVISORY, "UserRequested", "The migration plan has been archived.");
        }
        String type = spec.migrationType();
        if (Plan.TYPE_LIVE.equals(type) || Plan.TYPE_CONVERSION.equals(type)) {
            p.addPlain("MigrationTypeNotValid", Condition.CATEGORY_CRITICAL, "NotSupported",
                    "Migration type '" + type + "' is not supported yet; use cold or warm.");
        }
        ProviderRuntime.Instance source = providerInstance(spec.provider == null ? null : spec.provider.source, ns,
                "SourceProviderNotValid", p);
        ProviderRuntime.Instance destination = providerInstance(spec.provider == null ? null : spec.provider.destination, ns,
                "DestinationProviderNotValid", p);
        if (source != null && source.source().isEmpty()) {
            p.addPlain("SourceProviderNotValid", Condition.CATEGORY_CRITICAL, "TypeNotValid",
                    "Provider " + source.config().name() + " cannot be a migration source.");
            source = null;
        }
        if (destination != null && destination.destination().isEmpty()) {
            p.addPlain("DestinationProviderNotValid", Condition.CATEGORY_CRITICAL, "TypeNotValid",
                    "Provider " + destination.config().name() + " cannot be a migration destination.");
            destination = null;
        }
        if (source != null && Plan.TYPE_WARM.equals(type) && !(source.source().get() instanceof Snapshots)) {
            p.addPlain("MigrationTypeNotValid", Condition.CATEGORY_CRITICAL, "NotSupported",
                    "Warm migration needs snapshots, which providers of type " + source.config().type() + " do not support.");
        }
        NetworkMap networkMap = ref(spec.map == null ? null : spec.map.network, ns, ResourceKind.NETWORK_MAP, NetworkMap.class,
                "NetworkMapNotValid", "network map", p);
        StorageMap storageMap = ref(spec.map == null ? null : spec.map.storage, ns, ResourceKind.STORAGE_MAP, StorageMap.class,
                "StorageMapNotValid", "storage map", p);

        boolean running = Conditions.isTrue(plan.status == null ? null : plan.status.conditions, Conditions.EXECUTING);
        for (Plan.Vm vm : spec.vms == null ? List.<Plan.Vm>of() : spec.vms) {
            String vmId = io.hoist.core.engine.run.VmLoader.planVmId(vm);
            checkHooks(vm, vmId, ns, destination == null ? null : destination.config(), p);
            if (source == null) {
                continue;
            }
            Optional<SourceVm> described;
            try {
                ProviderRuntime.Instance s = source;
                described = extensions.call(s.source().get(), () -> s.source().get().describe(new VmRef(vm.id, vm.name)));
            } catch (Exception e) {
                p.add("VMNotFound", Condition.CATEGORY_CRITICAL, "NotFound", "VMs could not be looked up: " + e.getMessage(), vmId);
                continue;
            }
            if (described.isEmpty()) {
                p.add("VMNotFound", Condition.CATEGORY_CRITICAL, "NotFound", "VMs not found on the source provider.", vmId);
                continue;
            }
            SourceVm sv = described.get();
            criticalConcerns(source.config().uid(), sv.id(), vmId, p);
            if (networkMap == null || storageMap == null) {
                continue;
            }
            TargetVmSpec target;
            try {
                target = TargetSpecBuilder.build(sv, plan, vm, networkMap, storageMap,
                        plan.metadata == null ? "" : plan.metadata.uid, null, false);
            } catch (TargetSpecBuilder.SpecException e) {
                p.add(e.conditionType(), Condition.CATEGORY_CRITICAL, "NotValid", e.getMessage(), vmId);
                continue;
            }
            if (destination != null && !running && !succeeded(plan, vmId)) {
                try {
                    ProviderRuntime.Instance d = destination;
                    for (io.hoist.api.Condition c : extensions.call(d.destination().get(),
                            () -> d.destination().get().validateTarget(target))) {
                        p.add(c.type(), c.category().name(), c.reason(), c.message(), vmId);
                    }
                } catch (Exception e) {
                    p.add("DestinationProviderNotValid", Condition.CATEGORY_CRITICAL, "NotReady", e.getMessage(), null);
                }
            }
        }
        List<Condition> out = new ArrayList<>(p.byType.values());
        boolean blocked = out.stream().anyMatch(c -> Condition.CATEGORY_CRITICAL.equals(c.category)
                || Condition.CATEGORY_ERROR.equals(c.category));
        if (!blocked && !spec.isArchived()) {
            out.add(Condition.of(Conditions.READY, Condition.TRUE, Condition.CATEGORY_REQUIRED, "Ready",
                    "The migration plan is ready."));
        }
        out.addAll(executionConditions(plan));
        return out;
    }

    /** Executing / Succeeded / Failed / Canceled from the VM entries of the latest migration. */
    static List<Condition> executionConditions(Plan plan) {
        List<Condition> out = new ArrayList<>();
        if (plan.status == null || plan.status.migration == null || plan.status.migration.vms == null
                || plan.status.migration.started == null) {
            return out;
        }
        List<VmStatus> vms = plan.status.migration.vms;
        // Final only once the migration controller closed the run (it completes the Migration first).
        boolean allDone = plan.status.migration.completed != null && vms.stream().allMatch(v -> v.completed != null);
        if (!allDone) {
            out.add(Condition.of(Conditions.EXECUTING, Condition.TRUE, Condition.CATEGORY_ADVISORY, "Started",
                    "The plan is EXECUTING."));
            return out;
        }
        long failed = vms.stream().filter(v -> Conditions.isTrue(v.conditions, Conditions.FAILED)).count();
        long canceled = vms.stream().filter(v -> Conditions.isTrue(v.conditions, Conditions.CANCELED)).count();
        if (failed > 0) {
            out.add(Condition.of(Conditions.FAILED, Condition.TRUE, Condition.CATEGORY_ADVISORY, "Completed",
                    "The plan execution has FAILED: " + failed + " of " + vms.size() + " VMs failed."));
        } else if (canceled == vms.size()) {
            out.add(Condition.of(Conditions.CANCELED, Condition.TRUE, Condition.CATEGORY_ADVISORY, "UserRequested",
                    "The plan execution has been CANCELED."));
        } else {
            out.add(Condition.of(Conditions.SUCCEEDED, Condition.TRUE, Condition.CATEGORY_ADVISORY, "Completed",
                    "The plan execution has SUCCEEDED" + (canceled > 0 ? " (" + canceled + " VMs canceled)." : ".")));
        }
        return out;
    }

    private static boolean succeeded(Plan plan, String vmId) {
        if (plan.status == null || plan.status.migration == null || plan.status.migration.vms == null) {
            return false;
        }
        return plan.status.migration.vms.stream().anyMatch(v -> vmId.equals(v.id)
                && Conditions.isTrue(v.conditions, Conditions.SUCCEEDED));
    }

    private void checkHooks(Plan.Vm vm, String vmId, String ns, io.hoist.api.provider.ProviderConfig destination, Problems p) {
        if (vm.hooks == null) {
            return;
        }
        for (Plan.HookRef h : vm.hooks) {
            if (!"PreHook".equals(h.step) && !"PostHook".equals(h.step)) {
                p.add("HookStepNotValid", Condition.CATEGORY_CRITICAL, "NotValid",
                        "Hook step must be PreHook or PostHook.", vmId);
            }
            if (h.hook == null || h.hook.name == null) {
                p.add("HookNotValid", Condition.CATEGORY_CRITICAL, "NotSet", "Hook reference is missing.", vmId);
                continue;
            }
            Optional<ObjectNode> stored = store.get(ResourceKind.HOOK, nsOr(h.hook.namespace, ns), h.hook.name);
            if (stored.isEmpty()) {
                p.add("HookNotValid", Condition.CATEGORY_CRITICAL, "NotFound", "Hook " + h.hook.name + " not found.", vmId);
                continue;
            }
            Hook hook = mapper.convertValue(stored.get(), Hook.class);
            HookSpec spec;
            try {
                spec = Hooks.spec(hook, h.step);
            } catch (IllegalArgumentException e) {
                p.add("HookNotValid", Condition.CATEGORY_CRITICAL, "NotValid",
                        "Hook " + hook.name() + ": spec.playbook is not base64: " + e.getMessage(), vmId);
                continue;
            }
            for (String missing : Hooks.missingSecrets(store, spec)) {
                p.add("HookNotValid", Condition.CATEGORY_CRITICAL, "NotFound", "Hook " + hook.name() + ": Secret "
                        + spec.namespace() + "/" + missing + " named in " + HookSpec.SECRETS_ANNOTATION + " not found.", vmId);
            }
            if (destination == null) {
                continue; // the destination's own condition says why; runners decide by destination
            }
            Hooks.Choice choice = Hooks.choose(extensions, spec, destination);
            if (choice.runner().isEmpty()) {
                p.add("HookNotValid", Condition.CATEGORY_CRITICAL, extensions.hookRunners().isEmpty() ? "NoRunner" : "NotValid",
                        "Hook " + hook.name() + " cannot run: " + choice.refusal() + ".", vmId);
            }
            for (io.hoist.api.Condition w : choice.warnings()) {
                p.add(w.type(), w.category().name(), w.reason(), w.message(), vmId);
            }
        }
    }

    private void criticalConcerns(String providerUid, String sourceVmId, String vmId, Problems p) {
        if (inventory == null) {
            return;
        }
        Optional<Map<String, Object>> doc = inventory.get(providerUid, "vms", sourceVmId);
        Object concerns = doc.map(d -> d.get("concerns")).orElse(null);
        if (!(concerns instanceof List<?> list)) {
            return;
        }
        for (Object o : list) {
            if (o instanceof Map<?, ?> c && "Critical".equals(c.get("category"))) {
                p.add("VMCriticalConcerns", Condition.CATEGORY_CRITICAL, "Concerns",
                        "VMs have critical validation concerns: " + c.get("label"), vmId);
            }
        }
    }

    private ProviderRuntime.Instance providerInstance(Ref ref, String ns, String conditionType, Problems p) {
        if (ref == null || ref.name == null || ref.name.isEmpty()) {
            p.addPlain(conditionType, Condition.CATEGORY_CRITICAL, "NotSet", conditionType.replace("NotValid", "") + " is not set.");
            return null;
        }
        String refNs = nsOr(ref.namespace, ns);
        Optional<ObjectNode> provider = store.get(ResourceKind.PROVIDER, refNs, ref.name);
        if (provider.isEmpty()) {
            p.addPlain(conditionType, Condition.CATEGORY_CRITICAL, "NotFound", "Provider " + refNs + "/" + ref.name + " not found.");
            return null;
        }
        if (!Conditions.isTrue(provider.get(), Conditions.READY)) {
            p.addPlain(conditionType.replace("NotValid", "NotReady"), Condition.CATEGORY_CRITICAL, "NotReady",
                    "Provider " + refNs + "/" + ref.name + " is not ready.");
            return null;
        }
        ObjectNode secret = null;
        var secretRef = provider.get().path("spec").path("secret");
        if (secretRef.hasNonNull("name")) {
            secret = store.get(ResourceKind.SECRET, secretRef.path("namespace").asText(refNs), secretRef.path("name").asText()).orElse(null);
        }
        try {
            return providers.ensure(provider.get(), secret);
        } catch (RuntimeException e) {
            p.addPlain(conditionType, Condition.CATEGORY_CRITICAL, "NotValid", e.getMessage());
            return null;
        }
    }

    private <T> T ref(Ref ref, String ns, ResourceKind kind, Class<T> type, String conditionType, String what, Problems p) {
        if (ref == null || ref.name == null || ref.name.isEmpty()) {
            p.addPlain(conditionType, Condition.CATEGORY_CRITICAL, "NotSet", "The " + what + " is not set.");
            return null;
        }
        Optional<ObjectNode> stored = store.get(kind, nsOr(ref.namespace, ns), ref.name);
        if (stored.isEmpty()) {
            p.addPlain(conditionType, Condition.CATEGORY_CRITICAL, "NotFound",
                    "The " + what + " " + nsOr(ref.namespace, ns) + "/" + ref.name + " was not found.");
            return null;
        }
        return mapper.convertValue(stored.get(), type);
    }

    private static String nsOr(String a, String b) {
        return a == null || a.isEmpty() ? b : a;
    }
}
