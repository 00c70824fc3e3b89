package io.hoist.api.hook;

import org.pf4j.ExtensionPoint;

/** Extension point: runs migration hooks (e.g. ansible-playbook locally or as a Kubernetes Job). */
public interface HookRunner extends ExtensionPoint {
    String name();

    boolean accepts(HookSpec hook);

    /**
     * Runs the hook with the plan and the VM's workload document (JSON text) as its inputs and
     * returns its output; throws {@link io.hoist.api.HoistException} on failure or deadline.
     */
    String run(HookSpec hook, String planJson, String workloadJson) throws Exception;
}
