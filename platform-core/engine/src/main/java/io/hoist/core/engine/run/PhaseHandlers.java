package io.hoist.core.engine.run;

import io.hoist.core.engine.itinerary.Phase;
import io.hoist.core.engine.itinerary.PhaseRef;
import io.hoist.core.engine.run.phase.ConvertGuestPhase;
import io.hoist.core.engine.run.phase.CreateVmPhase;
import io.hoist.core.engine.run.phase.DiskPhases;
import io.hoist.core.engine.run.phase.HookPhases;
import io.hoist.core.engine.run.phase.PowerPhases;
import io.hoist.core.engine.run.phase.ProviderPhase;
import io.hoist.core.engine.run.phase.WarmPhases;
import java.util.EnumMap;
import java.util.Map;

/**
 * Which handler runs which phase: a phase the VM's source or destination plugin contributed or took over runs in
 * the plugin ({@link ProviderPhase}); every other phase has one engine handler, registered here in one table.
 */
public final class PhaseHandlers {
    private final Map<Phase, PhaseHandler> builtin = new EnumMap<>(Phase.class);
    private final ProviderPhase providers;

    public PhaseHandlers(PowerPhases power, HookPhases hooks, DiskPhases disks, WarmPhases warm, ConvertGuestPhase convert,
                         CreateVmPhase create, ProviderPhase providers) {
        this.providers = providers;
        builtin.put(Phase.Started, power::started);
        builtin.put(Phase.PreHook, hooks::preHook);
        builtin.put(Phase.StorePowerState, power::storePowerState);
        builtin.put(Phase.PowerOffSource, power::powerOff);
        builtin.put(Phase.CreateInitialSnapshot, warm::createSnapshot);
        builtin.put(Phase.AllocateDisks, disks::allocate);
        builtin.put(Phase.CopyDisks, warm::copyDisks);
        builtin.put(Phase.Precopy, warm::precopy);
        builtin.put(Phase.PowerOffSourceForCutover, power::powerOff);
        builtin.put(Phase.CreateFinalSnapshot, warm::createSnapshot);
        builtin.put(Phase.CopyFinalDelta, warm::copyFinalDelta);
        builtin.put(Phase.RemoveFinalSnapshot, warm::removeFinalSnapshot);
        builtin.put(Phase.ConvertGuest, convert::run);
        builtin.put(Phase.CreateVm, create::run);
        builtin.put(Phase.PostHook, hooks::postHook);
        builtin.put(Phase.Completed, vm -> Outcome.NEXT);
        for (Phase p : Phase.values()) {
            if (!builtin.containsKey(p)) {
                throw new IllegalStateException("no handler for phase " + p);
            }
        }
    }

    /**
     * Phases whose engine handler can simply run again after a restart: they read the source, power it off when it is
     * not off yet, or allocate disks adopting what exists, and what they must keep (the source's power state) they write
     * durably themselves. Every later phase copies, converts, creates or runs a hook and is entered only once the
     * transition to it is stored.
     */
    private static final java.util.Set<Phase> RERUNNABLE = java.util.EnumSet.of(
            Phase.Started, Phase.StorePowerState, Phase.PowerOffSource, Phase.AllocateDisks);

    /**
     * Whether the transition out of {@code phase} may ride with the next status batch instead of being stored before
     * the next phase starts: a restart that lost it re-runs the phase (and any before it left the same way), which is
     * safe only for the engine's own handlers of {@link #RERUNNABLE} phases, never for a phase a plugin runs.
     */
    public boolean rerunnable(VmContext vm, PhaseRef phase) {
        return phase.builtin().map(RERUNNABLE::contains).orElse(false) && ProviderPhase.owner(vm, phase.name()).isEmpty();
    }

    public Outcome run(VmContext vm) throws Exception {
        PhaseRef phase = vm.phase();
        var plugin = ProviderPhase.owner(vm, phase.name());
        if (plugin.isPresent()) {
            return providers.run(vm, plugin.get());
        }
        Phase p = phase.builtin().orElseThrow(() -> new IllegalStateException(
                "phase " + phase + " was contributed by a plugin that no longer offers it"));
        return builtin.get(p).run(vm);
    }
}
