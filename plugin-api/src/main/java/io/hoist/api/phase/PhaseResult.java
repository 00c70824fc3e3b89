package io.hoist.api.phase;

import java.time.Duration;

/** What a provider's phase decided: done, call again later, or fail the VM. */
public sealed interface PhaseResult {
    /** The phase is done; the VM moves on. */
    record Done() implements PhaseResult {}

    /**
     * Not done yet (an image still uploading, a backup still being prepared): the engine calls the phase again after
     * {@code after}; {@code reason} is shown as the VM's Pending condition meanwhile (null shows nothing).
     */
    record Again(Duration after, String reason) implements PhaseResult {}

    /** The VM fails in this phase with this reason (shown on the VM; cleanup follows). */
    record Failed(String reason) implements PhaseResult {}

    static PhaseResult done() {
        return new Done();
    }

    static PhaseResult again(Duration after, String reason) {
        return new Again(after, reason);
    }

    static PhaseResult failed(String reason) {
        return new Failed(reason);
    }
}
