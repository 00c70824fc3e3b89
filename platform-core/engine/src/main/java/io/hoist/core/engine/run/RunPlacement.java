package io.hoist.core.engine.run;

import io.hoist.core.engine.bus.Addresses;
import io.hoist.core.engine.bus.Messages;
import io.vertx.core.Vertx;
import java.util.Optional;

/**
 * Which node runs a VM. In one process ({@link #LOCAL}) every run goes to this engine's own {@link RunRegistry}; on
 * nodes sharing a store the controllers' engine sends each run to a node with free capacity and matching labels, and
 * each node's engine takes runs from its own address.
 */
public interface RunPlacement {
    /** The address this node's runs arrive on. */
    String runAddress();

    /**
     * The source host a VM reads its disks from, as plan validation described it.
     *
     * @param known false before plan validation described the VM
     * @param id    the host's id in its provider's inventory; null for a hostless source
     */
    record SourceHost(boolean known, String id) {
        public static final SourceHost UNKNOWN = new SourceHost(false, null);
    }

    /**
     * Sends {@code run}, whose VM reads from {@code host}, to the node that is to run it; empty when it went, else
     * why no node can take it now (the controllers try again at their next pass).
     */
    Optional<String> dispatch(Vertx vertx, Messages.RunVm run, SourceHost host);

    /** As above for a VM whose source host is not known. */
    default Optional<String> dispatch(Vertx vertx, Messages.RunVm run) {
        return dispatch(vertx, run, SourceHost.UNKNOWN);
    }

    /** Whether a live node other than this one runs it now (this node's own runs are in its {@link RunRegistry}). */
    boolean runningElsewhere(String migrationUid, String vmId);

    /** This node took {@code run} off its address and runs it. */
    default void started(Messages.RunVm run) {}

    /** {@code run} ended on this node (finished, failed, canceled or stopped with the engine). */
    default void ended(Messages.RunVm run) {}

    /**
     * Refuses with {@code StoreException.Superseded} when {@code run} was placed on another node since this node was
     * sent it (a cluster's placement epoch), before a step whose effect outside the store cannot be refused there
     * (creating the target VM, a failed or canceled VM's cleanup). In one process, never.
     */
    default void checkStillPlaced(Messages.RunVm run) {}

    /** This node's name, shown on the VMs it runs; null in one process. */
    default String nodeName() {
        return null;
    }

    /** {@code action} runs whenever a node has left: its VMs need another node. */
    default void onNodeLost(Runnable action) {}

    RunPlacement LOCAL = new RunPlacement() {
        @Override
        public String runAddress() {
            return Addresses.VM_RUN;
        }

        @Override
        public Optional<String> dispatch(Vertx vertx, Messages.RunVm run, SourceHost host) {
            vertx.eventBus().send(Addresses.VM_RUN, run);
            return Optional.empty();
        }

        @Override
        public boolean runningElsewhere(String migrationUid, String vmId) {
            return false;
        }
    };
}
