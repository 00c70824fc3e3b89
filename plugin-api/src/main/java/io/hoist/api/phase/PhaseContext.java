package io.hoist.api.phase;

import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.SourceVm;
import java.util.List;
import java.util.Map;

/** What a provider's phase sees of the VM it runs for. */
public interface PhaseContext {
    /** The plan's Migration uid: stable across restarts of the same run, new for every Migration. */
    String migrationUid();

    /** The source VM as described when the VM started. */
    SourceVm sourceVm() throws Exception;

    /** The target VM the plan and its maps ask for. */
    TargetVmSpec target() throws Exception;

    /** The allocated target disks; empty before the disks are allocated. */
    List<AllocatedDisk> allocatedDisks();

    /**
     * This VM's durable phase state (ids of objects a phase created, a task handle): what {@link #putState} stored,
     * in this or an earlier process. A resumed phase reads it to adopt what it already made.
     */
    Map<String, String> state();

    /** Stores one state entry durably; returns once it would survive a crash. Values must not hold secrets. */
    void putState(String key, String value);

    /** Shows progress on the phase's pipeline step, in the step's unit (MB for disk steps). */
    void progress(long completed, long total);

    /** True once the user canceled this VM: stop at the next safe point and return. */
    boolean canceled();
}
