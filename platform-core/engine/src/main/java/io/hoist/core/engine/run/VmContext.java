package io.hoist.core.engine.run;

import io.hoist.api.HoistException;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.Destination;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.itinerary.Itinerary;
import io.hoist.core.engine.itinerary.PhaseRef;
import io.hoist.core.engine.runtime.ProviderRuntime;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.VmStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * One VM run's state, handed to every phase handler. Everything here can be derived again from the store after a
 * restart (the plan, the providers, the durable status entry); the lazily described source VM, target spec and
 * allocated disks are caches of idempotent calls. Handlers keep their own per-VM state as {@link #attachment}s.
 */
public final class VmContext {
    private final Messages.RunVm message;
    private final Plan plan;
    private final Plan.Vm planVm;
    private final ProviderRuntime.Lease source;
    private final ProviderRuntime.Lease destination;
    private final Itinerary itinerary;
    private final VmStatusEditor status;
    private final TargetSpecs targets;
    private final Map<Class<?>, Object> attachments = new ConcurrentHashMap<>();
    private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();
    private volatile java.util.concurrent.CompletableFuture<Void> wake;
    private volatile boolean canceled;
    private volatile PhaseRef phase;
    private volatile SourceVm sourceVm;
    private volatile TargetVmSpec target;
    private volatile List<AllocatedDisk> allocated;

    /** Builds the target spec of a VM from the plan and its maps (reads them from the store). */
    public interface TargetSpecs {
        TargetVmSpec build(VmContext vm, SourceVm sourceVm) throws Exception;
    }

    VmContext(Messages.RunVm message, Plan plan, Plan.Vm planVm, ProviderRuntime.Lease source,
              ProviderRuntime.Lease destination, Itinerary itinerary, PhaseRef phase, VmStatusEditor status,
              TargetSpecs targets) {
        this.message = message;
        this.plan = plan;
        this.planVm = planVm;
        this.source = source;
        this.destination = destination;
        this.itinerary = itinerary;
        this.phase = phase;
        this.status = status;
        this.targets = targets;
    }

    public Messages.RunVm message() { return message; }

    public Plan plan() { return plan; }

    public Plan.Vm planVm() { return planVm; }

    public Itinerary itinerary() { return itinerary; }

    public PhaseRef phase() { return phase; }

    void phase(PhaseRef p) { this.phase = p; }

    public VmStatusEditor status() { return status; }

    /** The durable status entry as last written (a copy). */
    public VmStatus entry() { return status.entry(); }

    public ProviderRuntime.Instance sourceInstance() { return source.instance(); }

    public ProviderRuntime.Instance destinationInstance() { return destination.instance(); }

    public String sourceType() { return source.instance().config().type(); }

    public SourceProvider source() {
        return source.instance().source().orElseThrow(() -> new HoistException(HoistException.Type.USER_ERROR,
                "SourceProviderNotValid", "provider " + source.instance().config().name() + " is not a migration source"));
    }

    public Destination destination() {
        return destination.instance().destination().orElseThrow(() -> new HoistException(HoistException.Type.USER_ERROR,
                "DestinationProviderNotValid", "provider " + destination.instance().config().name() + " is not a migration destination"));
    }

    /** The source VM, described once (a live call) and kept for the run. */
    public SourceVm sourceVm() throws Exception {
        SourceVm vm = sourceVm;
        if (vm == null) {
            vm = source().describe(new VmRef(planVm.id, planVm.name)).orElseThrow(() -> new HoistException(
                    HoistException.Type.USER_ERROR, "VMNotFound", "VM " + message.vmId() + " not found on the source provider"));
            sourceVm = vm;
        }
        return vm;
    }

    /** The source VM when it was already described; null otherwise (cleanup does not describe a VM anew). */
    public SourceVm sourceVmIfKnown() {
        return sourceVm;
    }

    public TargetVmSpec target() throws Exception {
        TargetVmSpec t = target;
        if (t == null) {
            t = targets.build(this, sourceVm());
            target = t;
        }
        return t;
    }

    /** Replaces the run's target spec (guest conversion decides firmware, devices and OS labels). */
    public void target(TargetVmSpec spec) {
        this.target = spec;
    }

    public TargetVmSpec targetIfKnown() {
        return target;
    }

    public List<AllocatedDisk> allocatedIfKnown() {
        return allocated;
    }

    /** Remembers the allocated disks for the run (allocation itself is the disk phases' job). */
    public void allocated(List<AllocatedDisk> disks) {
        this.allocated = disks;
    }

    /** The key of the source host this VM's disks are read from (the transfer slots are counted per host). */
    public String hostKey() {
        return hostKeyOf(sourceVm);
    }

    /** The host key of this VM as {@code described} (null: not known, the provider's hostless key). */
    public String hostKeyOf(SourceVm described) {
        return Placements.hostKey(source.instance().config().uid(), described == null ? null : described.hostId());
    }

    /** A plan annotation as a whole number; 0 when absent or not a number (admission refuses those). */
    public int planInt(String annotation) {
        if (plan.metadata == null || plan.metadata.annotations == null) {
            return 0;
        }
        try {
            return Integer.parseInt(plan.metadata.annotations.getOrDefault(annotation, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A handler's own per-VM state, created on first use. */
    @SuppressWarnings("unchecked")
    public <T> T attachment(Class<T> type, Supplier<T> create) {
        return (T) attachments.computeIfAbsent(type, k -> create.get());
    }

    /** Runs {@code action} (quick, non-blocking: leave a queue, flag a copy) when the VM is canceled. */
    public void onCancel(Runnable action) {
        onCancel.add(action);
        if (canceled) {
            action.run();
        }
    }

    public boolean canceled() {
        return canceled;
    }

    void cancel() {
        canceled = true;
        onCancel.forEach(Runnable::run);
    }

    /**
     * A wait that a change of the Migration (cutover set or moved) should end at once rather than at its end.
     * Returns {@code wait} for chaining.
     */
    public java.util.concurrent.CompletableFuture<Void> wakeOnChange(java.util.concurrent.CompletableFuture<Void> wait) {
        this.wake = wait;
        return wait;
    }

    /** The Migration changed: ends a wait registered with {@link #wakeOnChange}. */
    void poke() {
        var w = wake;
        if (w != null) {
            w.complete(null);
        }
    }

    /** Gives the provider instances back (a rebuilt provider's old instance closes with its last user). */
    void end() {
        source.close();
        destination.close();
    }

    public static String describe(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
    }
}
