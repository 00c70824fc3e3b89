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
import io.hoist.core.engine.run.Placements;
import io.hoist.core.engine.run.SharedDisks;
import io.hoist.core.engine.run.TargetContexts;
import io.hoist.core.engine.run.TargetSpecBuilder;
import io.hoist.core.engine.run.VmRun;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.engine.runtime.ProviderRuntime;
import io.hoist.core.engine.runtime.SourceLookups;
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
import java.util.Set;
import java.util.function.BooleanSupplier;

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
    private final SourceLookups lookups;
    private final Placements placements;
    private final TargetContexts targets;

    public PlanController(ResourceStore store, ObjectMapper mapper, ProviderRuntime providers, Extensions extensions,
                          InventoryView inventory, SourceLookups lookups, Placements placements, TargetContexts targets) {
        this.store = store;
        this.mapper = mapper;
        this.providers = providers;
        this.extensions = extensions;
        this.inventory = inventory;
        this.lookups = lookups;
        this.placements = placements;
        this.targets = targets;
    }

    /** The plan's own disk cap ({@code hoist.io/max-inflight-disks}), 0 when none (admission refuses a non-number). */
    private static int planCap(Plan plan) {
        String v = plan.metadata == null || plan.metadata.annotations == null ? null
                : plan.metadata.annotations.get("hoist.io/max-inflight-disks");
        try {
            return v == null ? 0 : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
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

    /**
     * The conditions the plan should have now (validation plus execution state); empty when {@code started} turned true
     * during the pass: a Migration started the plan, whose validation then stands as it was (a running plan cannot be
     * edited), so the rest of the pass is waste. In a plan of 5,000 VMs a pass begun just before the start (the
     * resync, a provider's status write) validated every VM while the first ones waited for the CPU to copy.
     */
    public Optional<List<Condition>> conditions(Plan plan, BooleanSupplier started) {
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
            return Optional.of(out);
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
        checkTargetNamespace(spec, p);
        checkTransferNetwork(spec, p);
        for (PlanFieldChecks.Finding f : PlanFieldChecks.plan(spec)) {
            p.add(f.type(), f.category(), "NotSupported", f.message(), f.item());
        }
        List<Plan.Vm> vms = spec.vms == null ? List.<Plan.Vm>of() : spec.vms;
        // Every VM is described first: shared disks and target names depend on the plan's other VMs.
        Map<String, SourceVm> described = new LinkedHashMap<>();
        for (Plan.Vm vm : vms) {
            if (started.getAsBoolean()) {
                return Optional.empty();
            }
            String vmId = io.hoist.core.engine.run.VmLoader.planVmId(vm);
            checkHooks(vm, vmId, ns, destination == null ? null : destination.config(), p);
            for (PlanFieldChecks.Finding f : PlanFieldChecks.vm(spec, vm, vmId)) {
                p.add(f.type(), f.category(), "NotSupported", f.message(), f.item());
            }
            if (source == null) {
                continue;
            }
            try {
                ProviderRuntime.Instance s = source;
                Optional<SourceVm> found = lookups.describe(s.config().uid(), s.source().get(), new VmRef(vm.id, vm.name));
                if (found.isEmpty()) {
                    p.add("VMNotFound", Condition.CATEGORY_CRITICAL, "NotFound", "VMs not found on the source provider.", vmId);
                } else {
                    described.put(vmId, found.get());
                    SourceVm sv = found.get();
                    placements.put(new io.hoist.core.engine.bus.Messages.PlanKey(ns, plan.name()), vmId, new Placements.Placement(
                            Placements.hostKey(s.config().uid(), sv.hostId()),
                            Math.max(1, sv.disks() == null ? 0 : sv.disks().size()), planCap(plan)));
                }
            } catch (Exception e) {
                p.add("VMNotFound", Condition.CATEGORY_CRITICAL, "NotFound", "VMs could not be looked up: " + e.getMessage(), vmId);
            }
        }
        if (source != null) {
            String sourceUid = source.config().uid();
            String sourceType = source.config().type();
            targets.osMapProblem(sourceType).ifPresent(m -> p.addPlain("OsMapNotFound", Condition.CATEGORY_WARN, "NotFound", m));
            Map<String, String> copiers = SharedDisks.copiers(plan, v -> Optional.ofNullable(
                    described.get(io.hoist.core.engine.run.VmLoader.planVmId(v))), sourceUid);
            // Names VMs keep as they are (a targetName, or a source name that is a valid label) come first: a name
            // derived by renaming yields to them, as in MTV's name handler.
            Map<String, String> names = new LinkedHashMap<>(); // target name -> plan VM id, in plan order
            for (Plan.Vm vm : vms) {
                String vmId = io.hoist.core.engine.run.VmLoader.planVmId(vm);
                SourceVm sv = described.get(vmId);
                if (vm.targetName != null && !vm.targetName.isEmpty()) {
                    names.putIfAbsent(vm.targetName, vmId);
                } else if (sv != null && !TargetSpecBuilder.renamed(sv, vm)) {
                    names.putIfAbsent(TargetSpecBuilder.targetName(sv, vm), vmId);
                }
            }
            boolean guestIpsReported = described.values().stream().anyMatch(v -> v.checks().guestIpMacs() != null);
            if (spec.preserveStaticIPsOrDefault() && guestIpsReported && networkMap != null && mapsToPod(networkMap)) {
                p.addPlain("NetMapPreservingIPsOnPodNetwork", Condition.CATEGORY_WARN, "NotValid",
                        "Your migration plan preserves the static IPs of VMs and uses Pod Networking target network mapping. "
                                + "This combination isn't supported, because VM IPs aren't preserved in Pod Networking migrations.");
            }
            Set<String> succeeded = succeededVmIds(plan); // once per pass: a lookup per VM made the pass N²
            for (Plan.Vm vm : vms) {
                if (started.getAsBoolean()) {
                    return Optional.empty();
                }
                String vmId = io.hoist.core.engine.run.VmLoader.planVmId(vm);
                SourceVm sv = described.get(vmId);
                if (sv == null || succeeded.contains(vmId)) {
                    continue;
                }
                criticalConcerns(sourceUid, sv.id(), vmId, p);
                checkVm(spec, vm, sv, vmId, p);
                if (networkMap == null || storageMap == null) {
                    continue;
                }
                boolean renamed = TargetSpecBuilder.renamed(sv, vm);
                String name = TargetSpecBuilder.targetName(sv, vm);
                if (renamed) {
                    p.add("TargetNameNotValid", Condition.CATEGORY_WARN, "NotValid",
                            "Target VM name does not comply with DNS1123 RFC, will be automatically changed.", vmId);
                    String other = names.get(name);
                    if (other != null && !other.equals(vmId)) {
                        name = TargetSpecBuilder.withSuffix(name, sv.id());
                    }
                }
                names.putIfAbsent(name, vmId);
                Set<String> elsewhere = SharedDisks.copiedElsewhere(vmId, sv, copiers, sourceUid);
                TargetSpecBuilder.Built built;
                try {
                    built = TargetSpecBuilder.build(sv, plan, vm, networkMap, storageMap,
                            plan.metadata == null ? "" : plan.metadata.uid, null, false,
                            targets.context(sourceUid, sourceType, renamed ? name : null, elsewhere));
                } catch (TargetSpecBuilder.SpecException e) {
                    p.add(e.conditionType(), Condition.CATEGORY_CRITICAL, "NotValid", e.getMessage(), vmId);
                    continue;
                }
                for (TargetSpecBuilder.Note n : built.notes()) {
                    p.add(n.conditionType(), Condition.CATEGORY_WARN, "NotApplied", n.message(), vmId);
                }
                if (destination != null && !running) {
                    checkTarget(destination, built.spec(), renamed, sv, vmId, copiers, p);
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
        return Optional.of(out);
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

    /** MTV's NamespaceNotValid: the target namespace must be set and a DNS-1123 label. */
    private static void checkTargetNamespace(Plan.Spec spec, Problems p) {
        if (spec.targetNamespace == null || spec.targetNamespace.isBlank()) {
            p.addPlain("NamespaceNotValid", Condition.CATEGORY_CRITICAL, "NotSet", "Target namespace is not valid: it is not set.");
        } else if (!io.hoist.core.model.Names.isLabel(spec.targetNamespace)) {
            p.addPlain("NamespaceNotValid", Condition.CATEGORY_CRITICAL, "NotValid", "Target namespace is not valid: '"
                    + io.hoist.core.model.Echo.abbreviate(spec.targetNamespace) + "' is not a DNS-1123 label.");
        }
    }

    /** MTV: pods reach a transfer network only in the target namespace or default. */
    private static void checkTransferNetwork(Plan.Spec spec, Problems p) {
        Ref t = spec.transferNetwork;
        if (t == null || t.name == null || t.name.isBlank() || t.namespace == null || t.namespace.isBlank()) {
            return;
        }
        if (!t.namespace.equals(spec.targetNamespace) && !"default".equals(t.namespace)) {
            p.addPlain("TransferNetworkNotValid", Condition.CATEGORY_CRITICAL, "NotValid", "Transfer network " + t.namespace
                    + "/" + t.name + " is in a different namespace than the target namespace " + spec.targetNamespace
                    + ". Pods cannot reference network attachment definitions across namespaces.");
        }
    }

    private static boolean mapsToPod(NetworkMap map) {
        return map.spec != null && map.spec.map != null && map.spec.map.stream().anyMatch(pair -> pair.destination != null
                && (pair.destination.type == null || NetworkMap.DESTINATION_POD.equals(pair.destination.type)));
    }

    /** MTV's per-VM validators that read only the source VM (its disks, host, guest and power state). */
    private static void checkVm(Plan.Spec spec, Plan.Vm vm, SourceVm sv, String vmId, Problems p) {
        SourceVm.Checks checks = sv.checks();
        if (checks.hostInMaintenance()) {
            p.add("HostNotReady", Condition.CATEGORY_WARN, "InMaintenanceMode", "VM host is in maintenance mode.", vmId);
        }
        if (spec.preserveStaticIPsOrDefault() && checks.guestIpMacs() != null) {
            List<String> nicMacs = sv.nics().stream().map(n -> n.mac() == null ? "" : n.mac().toLowerCase(java.util.Locale.ROOT)).toList();
            boolean missing = (!nicMacs.isEmpty() && checks.guestIpMacs().isEmpty())
                    || checks.guestIpMacs().stream().anyMatch(m -> !nicMacs.contains(m.toLowerCase(java.util.Locale.ROOT)));
            if (missing) {
                p.add("VMMissingGuestIPs", Condition.CATEGORY_WARN, "MissingGuestInformation",
                        "Guest information on VMs is missing; the static IPs of these VMs cannot be preserved (preserveStaticIPs)."
                                + " Make sure the guest tools run and report the IP addresses.", vmId);
            }
        }
        List<String> invalid = sv.disks().stream().filter(d -> d.capacity() <= 0).map(d -> d.name() == null ? d.id() : d.name()).toList();
        if (!invalid.isEmpty()) {
            p.add("InvalidDiskSizes", Condition.CATEGORY_CRITICAL, "NotValid", "VM has disks with invalid sizes: "
                    + String.join(", ", invalid) + ".", vmId);
        }
        List<String> nvme = sv.disks().stream().filter(d -> "nvme".equalsIgnoreCase(d.bus()))
                .map(d -> d.name() == null ? d.id() : d.name()).toList();
        if (!nvme.isEmpty()) {
            p.add("UnsupportedDisks", Condition.CATEGORY_CRITICAL, "NotSupported", "VM has disks the migration does not "
                    + "support: NVMe disks (" + String.join(", ", nvme) + "), which MTV does not migrate either. "
                    + "Move them to a SCSI or SATA controller.", vmId);
        }
        if (Plan.TYPE_LIVE.equals(spec.migrationType()) && sv.powerState() != io.hoist.api.source.PowerState.ON) {
            p.add("VMPowerStateUnsupported", Condition.CATEGORY_CRITICAL, "NotSupported",
                    "VM power state is incompatible with the selected migration type.", vmId);
        }
        if (checks.hasSnapshots() && !Plan.TYPE_WARM.equals(spec.migrationType())) {
            // the cold copy reads the disks' own files, which a snapshot turns into a delta chain it refuses
            p.add("VMHasSnapshots", Condition.CATEGORY_CRITICAL, "NotSupported", "VM has snapshots: a cold migration copies "
                    + "the disks' base files and refuses a snapshot chain. Delete (consolidate) its snapshots, or migrate it warm.",
                    vmId);
        }
        List<String> external = sv.disks().stream().filter(io.hoist.api.source.SourceDisk::external)
                .map(d -> d.name() == null ? d.id() : d.name()).toList();
        if (!external.isEmpty() && Plan.TYPE_WARM.equals(spec.migrationType())) {
            // MTV: LUNs are handed over, not copied, and a running source keeps writing to them
            p.add("LunDisksWarmMigration", Condition.CATEGORY_CRITICAL, "NotSupported", "VM has direct LUN disks ("
                    + String.join(", ", external) + "), which are detached from the source and attached to the target rather"
                    + " than copied: they cannot be used with warm migration. Migrate the VM cold.", vmId);
        }
        if (SharedDisks.hasShared(sv)) {
            if (Plan.TYPE_WARM.equals(spec.migrationType())) {
                p.add("SharedDisks", Condition.CATEGORY_CRITICAL, "NotSupported",
                        "The shared disks cannot be used with warm migration.", vmId);
            }
            List<String> running = checks.runningDiskSharers();
            if (running != null && !running.isEmpty()) {
                p.add("SharedDisks", Condition.CATEGORY_CRITICAL, "NotValid", "Virtual Machines '"
                        + String.join("', '", running) + "' are running with attached shared disk, please power them off.", vmId);
            }
        }
    }

    /** The destination's own checks of the target, plus what shared disks need there. */
    private void checkTarget(ProviderRuntime.Instance destination, TargetVmSpec target, boolean renamed, SourceVm sv,
                             String vmId, Map<String, String> copiers, Problems p) {
        var dest = destination.destination().get();
        try {
            List<io.hoist.api.Condition> found = lookups.validateTarget(dest, target);
            if (renamed && found.stream().anyMatch(c -> "VMAlreadyExists".equals(c.type()))) {
                // As MTV's name handler: a derived name taken on the destination gets a suffix instead.
                found = lookups.validateTarget(dest, target.withName(TargetSpecBuilder.withSuffix(target.name(), sv.id())));
            }
            for (io.hoist.api.Condition c : found) {
                p.add(c.type(), c.category().name(), c.reason(), c.message(), vmId);
            }
            for (var d : target.disks()) {
                if (!d.shared()) {
                    continue;
                }
                boolean exists = dest.sharedDiskExists(target.namespace(), d.shareId());
                if (d.attachOnly() && !copiers.containsKey(d.shareId()) && !exists) {
                    p.add("SharedWarnDisks", Condition.CATEGORY_WARN, "NotFound", "Missing shared disks PVC for '"
                            + d.sourceDiskId() + "' in namespace '" + target.namespace() + "' (migrateSharedDisks is off and no "
                            + "earlier plan copied it): the VM can be migrated but the disk will not be attached.", vmId);
                } else if (!d.attachOnly() && exists) {
                    p.add("SharedWarnDisks", Condition.CATEGORY_WARN, "AlreadyExists", "Already existing shared disks PVC for '"
                            + d.sourceDiskId() + "' in namespace '" + target.namespace() + "': the VM can be migrated but the "
                            + "disk will be copied again (set migrateSharedDisks to false to attach the existing copy).", vmId);
                }
            }
        } catch (Exception e) {
            p.add("DestinationProviderNotValid", Condition.CATEGORY_CRITICAL, "NotReady", e.getMessage(), null);
        }
    }

    /** The VMs whose entry of the plan's last run says Succeeded (they are not validated again). */
    static Set<String> succeededVmIds(Plan plan) {
        if (plan.status == null || plan.status.migration == null || plan.status.migration.vms == null) {
            return Set.of();
        }
        Set<String> out = new java.util.HashSet<>();
        for (VmStatus v : plan.status.migration.vms) {
            if (Conditions.isTrue(v.conditions, Conditions.SUCCEEDED)) {
                out.add(v.id);
            }
        }
        return out;
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
