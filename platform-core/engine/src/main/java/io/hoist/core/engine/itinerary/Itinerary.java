package io.hoist.core.engine.itinerary;

import io.hoist.api.phase.PhaseSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Itineraries are data (forklift's lesson): an ordered list of phases, each kept or dropped by the VM's flags, plus
 * the phases its providers contribute. The walker only answers "what comes after this phase".
 */
public final class Itinerary {
    private final List<PhaseRef> phases;

    private Itinerary(List<PhaseRef> phases) {
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
        return new Itinerary(p.stream().map(PhaseRef::of).toList());
    }

    /**
     * This itinerary with a provider's phases inserted, each after the phase it names.
     *
     * @throws IllegalArgumentException naming the phase when a name is taken, its {@code after} is not on the
     *                                  itinerary, or its step is not one of MTV's pipeline steps
     */
    public Itinerary with(List<PhaseSpec> contributed) {
        List<PhaseRef> out = new ArrayList<>(phases);
        for (PhaseSpec c : contributed) {
            if (c.name() == null || c.name().isBlank()) {
                throw new IllegalArgumentException("a contributed phase has no name");
            }
            if (out.stream().anyMatch(p -> p.name().equals(c.name())) || new PhaseRef(c.name(), null).builtin().isPresent()) {
                throw new IllegalArgumentException("contributed phase " + c.name() + ": the name is already taken");
            }
            Step step;
            try {
                step = Step.valueOf(c.step());
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("contributed phase " + c.name() + ": step '" + c.step()
                        + "' is not one of " + List.of(Step.values()));
            }
            int at = -1;
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).name().equals(c.after())) {
                    at = i;
                }
            }
            if (at < 0 || out.get(at).is(Phase.Completed)) {
                throw new IllegalArgumentException("contributed phase " + c.name() + ": phase '" + c.after()
                        + "' to follow is not on this VM's itinerary " + names(out));
            }
            out.add(at + 1, new PhaseRef(c.name(), step));
        }
        return new Itinerary(out);
    }

    public List<PhaseRef> phases() {
        return phases;
    }

    public PhaseRef first() {
        return phases.get(0);
    }

    /** The phase after {@code current}; Completed stays Completed. */
    public PhaseRef next(PhaseRef current) {
        int i = phases.indexOf(current);
        if (i < 0) {
            throw new IllegalStateException("phase " + current + " is not on this itinerary " + names(phases));
        }
        return i + 1 < phases.size() ? phases.get(i + 1) : current;
    }

    /** The phase of this name, when it is on the itinerary. */
    public Optional<PhaseRef> find(String name) {
        return phases.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The pipeline steps in order, as shown on the VM status. */
    public List<Step> steps() {
        Set<Step> steps = new LinkedHashSet<>();
        for (PhaseRef p : phases) {
            if (p.step() != null) {
                steps.add(p.step());
            }
        }
        return List.copyOf(steps);
    }

    public boolean contains(Phase phase) {
        return phases.stream().anyMatch(p -> p.is(phase));
    }

    private static List<String> names(List<PhaseRef> phases) {
        return phases.stream().map(PhaseRef::name).toList();
    }
}
