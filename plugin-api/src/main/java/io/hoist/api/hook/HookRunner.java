package io.hoist.api.hook;

import io.hoist.api.Condition;
import io.hoist.api.provider.ProviderConfig;
import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * Extension point: runs migration hooks (an Ansible playbook on the Hoist host, a Kubernetes Job, ...).
 * The engine asks every installed runner to {@link #check} a hook and uses the first without a Critical or
 * Error condition; when none can run it, the plan gets {@code HookNotValid} with their messages.
 */
public interface HookRunner extends ExtensionPoint {
    String name();

    /**
     * What keeps this runner from running {@code hook} for a plan whose VMs go to {@code destination}:
     * Critical conditions mean "not this runner" (with the reason), Warn ones are shown but do not block.
     * Empty when it runs the hook as written. Cheap: called at every plan validation.
     */
    List<Condition> check(HookSpec hook, ProviderConfig destination);

    /**
     * Runs the hook, blocking until it ends, and returns a one-line summary. Called again with the same
     * {@link HookRun#runId()} after a platform restart: a runner must then adopt the run it started (wait for
     * it, or return its recorded outcome) rather than run the hook a second time. Failures are
     * {@link io.hoist.api.HoistException}s whose message says what failed (the failing task and its message).
     */
    String run(HookRun run) throws Exception;

    /** Removes what runs of this hook left behind (for example a failed Job kept for inspection); at archive. */
    default void cleanup(HookRun run) throws Exception {}
}
