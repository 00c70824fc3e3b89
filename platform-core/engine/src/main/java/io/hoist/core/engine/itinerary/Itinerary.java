package io.hoist.core.engine.itinerary;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Itineraries are data (forklift's lesson): an ordered list of phases, each kept or dropped by the
 * VM's flags. The walker only answers "what comes after this phase".
 */
public final class Itinerary {
    private final List<Phase> phases;

    private Itinerary(List<Phase> phases) {
        this.phases = List.copyOf(phases);
    }

    public static Itinerary forFlags(Flags f) {
        List<Phase> p = new ArrayList<>();
        p.add(Phase.Started);
        if (f.preHook()) {
            p.add(Phase.PreHook);
        }
        p.add(Phase.StorePowerState);
        if (f.warm()) {
            // Warm: the source keeps running while the bulk of the data is copied from snapshots.
            p.add(Phase.CreateInitialSnapshot);
            p.add(Phase.AllocateDisks);
            p.add(Phase.CopyDisks);
            p.add(Phase.Precopy);
            p.add(Phase.PowerOffSourceForCutover);
            p.add(Phase.CreateFinalSnapshot);
            p.add(Phase.CopyFinalDelta);
            p.add(Phase.RemoveFinalSnapshot);
        } else {
            p.add(Phase.PowerOffSource);
            p.add(Phase.AllocateDisks);
            p.add(Phase.CopyDisks);
        }
        p.add(Phase.ConvertGuest);
        p.add(Phase.CreateVm);
        if (f.postHook()) {
            p.add(Phase.PostHook);
        }
        p.add(Phase.Completed);
        return new Itinerary(p);
    }

    public List<Phase> phases() {
        return phases;
    }

    public Phase first() {
        return phases.get(0);
    }

    /** The phase after {@code current}; Completed stays Completed. */
    public Phase next(Phase current) {
        int i = phases.indexOf(current);
        if (i < 0) {
            throw new IllegalStateException("phase " + current + " is not on this itinerary " + phases);
        }
        return i + 1 < phases.size() ? phases.get(i + 1) : current;
    }

    /** The pipeline steps in order, as shown on the VM status. */
    public List<Step> steps() {
        Set<Step> steps = new LinkedHashSet<>();
        for (Phase p : phases) {
            if (p.step() != null) {
                steps.add(p.step());
            }
        }
        return List.copyOf(steps);
    }

    public boolean contains(Phase phase) {
        return phases.contains(phase);
    }
}
