package io.hoist.core.engine.itinerary;

import java.util.Optional;

/**
 * One stop on an itinerary: an engine {@link Phase} or a phase a provider contributed, by the name stored as the
 * VM's durable phase, with the pipeline step it is shown under.
 */
public record PhaseRef(String name, Step step) {
    public static PhaseRef of(Phase p) {
        return new PhaseRef(p.name(), p.step());
    }

    /** The engine phase of this name; empty for a provider's own phase. */
    public Optional<Phase> builtin() {
        for (Phase p : Phase.values()) {
            if (p.name().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public boolean is(Phase p) {
        return p.name().equals(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
