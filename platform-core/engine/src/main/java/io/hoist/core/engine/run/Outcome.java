package io.hoist.core.engine.run;

import java.util.concurrent.CompletableFuture;

/** What a phase handler decided: go on, wait for something, or fail the VM. */
public sealed interface Outcome {
    /** The phase is done; move to the next one. */
    record Next() implements Outcome {}

    /**
     * Not done yet: run the same phase again when {@code until} completes. {@code reason} is shown
     * as the VM's Pending condition while waiting (null shows nothing).
     */
    record Wait(CompletableFuture<?> until, String reason) implements Outcome {}

    /** The VM fails in this phase with this reason; {@code code} (may be null) is kept on the VM's error. */
    record Fail(String reason, String code) implements Outcome {}

    Outcome NEXT = new Next();

    static Outcome waitFor(CompletableFuture<?> until, String reason) {
        return new Wait(until, reason);
    }

    static Outcome fail(String reason) {
        return new Fail(reason, null);
    }

    static Outcome fail(String reason, String code) {
        return new Fail(reason, code);
    }
}
