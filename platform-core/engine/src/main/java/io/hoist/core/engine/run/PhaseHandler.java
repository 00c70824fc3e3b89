package io.hoist.core.engine.run;

/**
 * Runs one phase of one VM. Handlers are shared by every VM and hold only their own narrow collaborators; a VM's
 * state comes in through {@link VmContext}. Must be idempotent: after a crash the phase runs again from the start
 * with whatever it durably recorded.
 */
@FunctionalInterface
public interface PhaseHandler {
    Outcome run(VmContext vm) throws Exception;
}
