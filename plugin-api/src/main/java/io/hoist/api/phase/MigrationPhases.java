package io.hoist.api.phase;

import java.util.List;
import java.util.Set;

/**
 * Optional ability of a {@link io.hoist.api.source.SourceProvider} or a {@link io.hoist.api.destination.Destination}:
 * the provider adds phases of its own to a VM's itinerary, or takes over one of the engine's phases (forklift's
 * {@code Migrator.ExecutePhase}). An OpenStack source turns its snapshot into a volume and an image before the copy;
 * an oVirt source copies through its backup API instead of the engine's disk copy.
 *
 * <p>The engine checks for it with {@code instanceof}. Both answers below are read once per VM start and again on
 * every resume, so they must depend only on their arguments: the VM's durable phase is a name from this list.
 * Every phase a provider runs must be idempotent: after a crash the engine calls it again with the same state.
 */
public interface MigrationPhases {
    /**
     * Phases this provider adds to a VM's itinerary. Names must not be engine phase names; {@link PhaseSpec#after()}
     * names the engine (or earlier contributed) phase each one follows.
     *
     * @param warm whether the VM migrates warm (snapshots and precopies) or cold
     */
    default List<PhaseSpec> contributedPhases(boolean warm) {
        return List.of();
    }

    /**
     * Engine phases this provider runs itself instead of the engine, by name ({@code PowerOffSource},
     * {@code CopyDisks}, {@code CreateVm}, ...). The engine still records the transition and the pipeline step.
     */
    default Set<String> takenOverPhases(boolean warm) {
        return Set.of();
    }

    /** Runs one contributed or taken-over phase. Blocking is fine: the engine calls it on a virtual thread. */
    PhaseResult executePhase(String phase, PhaseContext context) throws Exception;
}
