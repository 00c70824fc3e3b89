package io.hoist.core.engine.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.HoistException;
import io.hoist.api.phase.MigrationPhases;
import io.hoist.api.phase.PhaseSpec;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.itinerary.Flags;
import io.hoist.core.engine.itinerary.Itinerary;
import io.hoist.core.engine.itinerary.PhaseRef;
import io.hoist.core.engine.runtime.ProviderRuntime;
import io.hoist.core.engine.status.StatusWriter;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.meta.Ref;
import io.hoist.core.model.resource.NetworkMap;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.StorageMap;
import io.hoist.core.model.resource.VmStatus;
import io.hoist.core.store.ResourceStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds a {@link VmContext} from what is stored: the plan (from the status writer's view), the plan's VM, its
 * providers (leased, so a provider rebuilt meanwhile is not closed under the run), its itinerary with the phases its
 * providers contribute, and the durable phase to resume at.
 */
public final class VmLoader {
    private final ResourceStore store;
    private final ObjectMapper mapper;
    private final ProviderRuntime providers;
    private final StatusWriter status;
    private final TargetContexts contexts;
    private final Object namesLock = new Object();
    private final RecentMaps maps;
    /**
     * Each run's Providers and their Secrets, read once per change of those kinds: two reads per side and VM were 3% of
     * a 5,000-VM plan's CPU. The provider instance itself is rebuilt by {@link ProviderRuntime} when they change.
     */
    private final io.hoist.core.engine.WatchedReads providerObjects;

    public VmLoader(ResourceStore store, ObjectMapper mapper, ProviderRuntime providers, StatusWriter status,
                    TargetContexts contexts) {
        this.store = store;
        this.mapper = mapper;
        this.providers = providers;
        this.status = status;
        this.contexts = contexts;
        this.providerObjects = new io.hoist.core.engine.WatchedReads(store, ResourceKind.PROVIDER, ResourceKind.SECRET);
        this.maps = new RecentMaps(this::read, RecentMaps.TTL_NANOS);
    }

    /** Stops watching the Providers and Secrets (the engine closes). */
    public void close() {
        providerObjects.close();
    }

    /** The status editor of a VM that could not be loaded (its failure is still recorded on it). */
    public VmStatusEditor editor(Messages.RunVm msg) {
        return new VmStatusEditor(status, msg);
    }

    public VmContext load(Messages.RunVm msg) {
        Plan plan = status.plan(msg.plan())
                .orElseThrow(() -> new IllegalStateException("plan " + msg.plan() + " no longer exists"));
        VmStatusEditor editor = new VmStatusEditor(status, msg);
        VmStatus entry = editor.entry();
        Plan.Vm planVm = Optional.ofNullable(planVms(plan).get(msg.vmId())).orElseThrow(() -> new IllegalStateException(
                "VM " + msg.vmId() + " is no longer in plan " + msg.plan()));
        ProviderRuntime.Lease source = lease(plan.spec.provider.source, msg);
        ProviderRuntime.Lease destination;
        try {
            destination = lease(plan.spec.provider.destination, msg);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        boolean warm = Plan.TYPE_WARM.equals(plan.spec.migrationType());
        Itinerary itinerary = Itinerary.forFlags(new Flags(warm, hook(planVm, "PreHook").isPresent(), hook(planVm, "PostHook").isPresent()));
        try {
            itinerary = itinerary.with(contributed(source.instance(), destination.instance(), warm));
        } catch (IllegalArgumentException e) {
            source.close();
            destination.close();
            throw new HoistException(HoistException.Type.INTERNAL, "PhaseNotValid", e.getMessage(), e);
        }
        PhaseRef phase = entry.phase == null || entry.phase.isEmpty() ? itinerary.first()
                : itinerary.find(entry.phase).orElse(itinerary.first());
        return new VmContext(msg, plan, planVm, source, destination, itinerary, phase, editor, this::target);
    }

    /**
     * The plan's VMs by the id status knows them by, built once per parsed plan (the status writer keeps one per plan):
     * a walk of {@code spec.vms} per run made a plan of N VMs cost N² to start.
     */
    private final Map<Plan, Map<String, Plan.Vm>> planVms = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private Map<String, Plan.Vm> planVms(Plan plan) {
        return planVms.computeIfAbsent(plan, p -> {
            Map<String, Plan.Vm> byId = new java.util.HashMap<>();
            for (Plan.Vm v : p.spec.vms) {
                byId.putIfAbsent(planVmId(v), v); // the first of two with one id, as the walk found it
            }
            return byId;
        });
    }

    /** The phases a VM's source and destination plugins add (source first). */
    private static List<PhaseSpec> contributed(ProviderRuntime.Instance source, ProviderRuntime.Instance destination, boolean warm) {
        List<PhaseSpec> out = new ArrayList<>();
        source.source().filter(s -> s instanceof MigrationPhases).ifPresent(s -> out.addAll(((MigrationPhases) s).contributedPhases(warm)));
        destination.destination().filter(d -> d instanceof MigrationPhases)
                .ifPresent(d -> out.addAll(((MigrationPhases) d).contributedPhases(warm)));
        return out;
    }

    /** Which VM of the plan copies each shared disk this VM is attached to (share id → plan VM id). */
    public record SharedCopiers(Map<String, String> byShareId) {}

    private io.hoist.api.destination.TargetVmSpec target(VmContext vm, io.hoist.api.source.SourceVm sourceVm) throws Exception {
        Plan plan = vm.plan();
        String ns = vm.message().plan().namespace();
        String migration = vm.message().migrationUid();
        NetworkMap nm = maps.read(migration, ResourceKind.NETWORK_MAP, ns(plan.spec.map.network.namespace, ns), plan.spec.map.network.name, NetworkMap.class);
        StorageMap sm = maps.read(migration, ResourceKind.STORAGE_MAP, ns(plan.spec.map.storage.namespace, ns), plan.spec.map.storage.name, StorageMap.class);
        VmStatus entry = vm.entry();
        boolean wasRunning = "On".equals(entry.restorePowerState);
        String uid = vm.sourceInstance().config().uid();
        String type = vm.sourceInstance().config().type();
        Set<String> elsewhere = Set.of();
        if (SharedDisks.hasShared(sourceVm)) {
            String self = vm.message().vmId();
            Map<String, String> copiers = SharedDisks.copiers(plan, v -> self.equals(planVmId(v)) ? Optional.of(sourceVm)
                    : describeQuietly(vm, v), uid);
            vm.attachment(SharedCopiers.class, () -> new SharedCopiers(Map.copyOf(copiers)));
            elsewhere = SharedDisks.copiedElsewhere(self, sourceVm, copiers, uid);
        }
        try {
            TargetSpecBuilder.Built built = TargetSpecBuilder.build(sourceVm, plan, vm.planVm(), nm, sm, plan.metadata.uid,
                    vm.message().migrationUid(), wasRunning, contexts.context(uid, type, null, elsewhere));
            String name = chosenName(vm, entry, sourceVm, built.spec());
            if (!name.equals(built.spec().name())) {
                built = TargetSpecBuilder.build(sourceVm, plan, vm.planVm(), nm, sm, plan.metadata.uid,
                        vm.message().migrationUid(), wasRunning, contexts.context(uid, type, name, elsewhere));
            }
            // After a restart past conversion, the spec is rebuilt as conversion left the guest (from the status).
            return io.hoist.core.engine.run.phase.GuestConversion.apply(built.spec(), entry);
        } catch (TargetSpecBuilder.SpecException e) {
            throw new HoistException(HoistException.Type.USER_ERROR, e.conditionType(), e.getMessage());
        }
    }

    private Optional<io.hoist.api.source.SourceVm> describeQuietly(VmContext vm, Plan.Vm other) {
        try {
            return vm.source().describe(new io.hoist.api.source.VmRef(other.id, other.name));
        } catch (Exception e) {
            return Optional.empty(); // a VM that cannot be described copies nothing; its own run reports why
        }
    }

    /**
     * The target name, decided once per run and kept on the VM's status ({@code newName}): a name derived from a source
     * name that is not DNS-1123 gets a suffix when another VM of the plan or a VM on the destination holds it, as MTV's
     * name handler does. Decisions are serialised, so two VMs of a plan deriving the same name get different ones.
     */
    private String chosenName(VmContext vm, VmStatus mine, io.hoist.api.source.SourceVm sourceVm,
                              io.hoist.api.destination.TargetVmSpec spec) throws Exception {
        if (!TargetSpecBuilder.renamed(sourceVm, vm.planVm())) {
            return spec.name();
        }
        if (mine.newName != null && !mine.newName.isBlank()) {
            return mine.newName;
        }
        synchronized (namesLock) {
            Plan current = status.plan(vm.message().plan()).orElse(vm.plan());
            Set<String> taken = new HashSet<>();
            for (Plan.Vm other : current.spec.vms) {
                if (vm.message().vmId().equals(planVmId(other))) {
                    continue;
                }
                if (other.targetName != null && !other.targetName.isEmpty()) {
                    taken.add(other.targetName);
                } else {
                    // a VM whose own name is a valid label keeps it, so a renamed VM must not take it
                    describeQuietly(vm, other).filter(o -> !TargetSpecBuilder.renamed(o, other))
                            .ifPresent(o -> taken.add(TargetSpecBuilder.targetName(o, other)));
                }
            }
            status.newNames(vm.message().plan()).forEach((id, newName) -> {
                if (!vm.message().vmId().equals(id)) {
                    taken.add(newName);
                }
            });
            String name = spec.name();
            if (taken.contains(name) || vm.destination().validateTarget(spec).stream()
                    .anyMatch(c -> "VMAlreadyExists".equals(c.type()))) {
                name = TargetSpecBuilder.withSuffix(name, sourceVm.id());
            }
            String chosen = name;
            vm.status().durable(v -> v.newName = chosen);
            return chosen;
        }
    }

    private ProviderRuntime.Lease lease(Ref ref, Messages.RunVm msg) {
        String ns = ns(ref.namespace, msg.plan().namespace());
        ObjectNode p = stored(ResourceKind.PROVIDER, ns, ref.name)
                .orElseThrow(() -> new HoistException(HoistException.Type.USER_ERROR, "ProviderNotFound",
                        "provider " + ns + "/" + ref.name + " not found"));
        ObjectNode secret = null;
        var secretRef = p.path("spec").path("secret");
        if (secretRef.hasNonNull("name")) {
            secret = stored(ResourceKind.SECRET, secretRef.path("namespace").asText(ns), secretRef.path("name").asText()).orElse(null);
        }
        return providers.acquire(p, secret);
    }

    /** A Provider or Secret as stored now, read once per change of its kind (shared: read it, do not modify it). */
    private Optional<ObjectNode> stored(ResourceKind kind, String ns, String name) {
        return providerObjects.get(kind + "/" + ns + "/" + name, () -> store.get(kind, ns, name));
    }

    /** Reads a resource of the plan's namespace (or another) as a typed object. */
    public <T> Optional<T> read(ResourceKind kind, String ns, String name, Class<T> type) {
        return store.get(kind, ns, name).map(n -> mapper.convertValue(n, type));
    }

    private static String ns(String namespace, String fallback) {
        return namespace == null || namespace.isEmpty() ? fallback : namespace;
    }

    /** The id a plan VM is known by in status: its id, else its name. */
    public static String planVmId(Plan.Vm v) {
        return v.id != null && !v.id.isEmpty() ? v.id : v.name;
    }

    public static Optional<Plan.HookRef> hook(Plan.Vm vm, String step) {
        if (vm.hooks == null) {
            return Optional.empty();
        }
        return vm.hooks.stream().filter(h -> step.equals(h.step)).findFirst();
    }
}
