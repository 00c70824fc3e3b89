package io.hoist.core.engine.scheduler;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * When a VM run may start, as MTV's plan scheduler decides it ({@code pkg/controller/plan/scheduler/vsphere}): a VM
 * costs its disk count on its source host, and starts only while the host's in-flight cost plus its own fits
 * {@code controller_max_vm_inflight} (counted across every plan; a VM with more disks than the limit starts alone on
 * an idle host). Its cost is given back when its disks are copied (MTV: cost 0 from the copy's end on), so the next
 * VM starts as one ends its copy. Until then a VM does nothing: its source stays powered on, no status writes, no
 * round on the bus, which is what gives the first VMs of a 5,000-VM plan their copy at once.
 *
 * <p>The ledger is a {@link TransferScheduler} of its own (same fairness: arrival order per host, a plan's cap holds
 * only that plan, the platform-wide limit when set). Admitted VMs then find free disk slots in the transfer
 * scheduler, since both count the same disks against the same limits.
 */
public final class VmAdmission {
    private final TransferScheduler ledger;

    /**
     * @param hostLimit  disks per source host ({@code controller_max_vm_inflight}), read on every decision
     * @param totalLimit disks on the whole platform, 0 for none; read on every decision
     */
    public VmAdmission(IntSupplier hostLimit, IntSupplier totalLimit) {
        this.ledger = new TransferScheduler(hostLimit, totalLimit);
    }

    /**
     * Counts each host's VMs with {@code slots} as well (the nodes of a cluster), and the platform's under
     * {@code platformLimit} (0 for none); set before the first VM.
     */
    public void share(SharedHostSlots slots, IntSupplier platformLimit) {
        ledger.share(slots, platformLimit);
    }

    /** A started VM's place; {@link #close()} gives its cost back (idempotent). */
    public static final class Ticket implements AutoCloseable {
        private final TransferScheduler.Lease lease;

        private Ticket(TransferScheduler.Lease lease) {
            this.lease = lease;
        }

        @Override
        public void close() {
            lease.close();
        }
    }

    /**
     * Asks to start a VM of {@code planKey} whose {@code disks} are read from {@code hostKey}. Completes when it may
     * start; cancel the future to leave the queue (a canceled VM).
     */
    public CompletableFuture<Ticket> admit(String hostKey, String planKey, int disks, int planCap) {
        CompletableFuture<TransferScheduler.Lease> granted = ledger.acquire(hostKey, planKey, disks, planCap);
        CompletableFuture<Ticket> out = new CompletableFuture<>();
        granted.whenComplete((lease, err) -> {
            if (lease != null && !out.complete(new Ticket(lease))) {
                lease.close(); // the VM was canceled as its place came
            } else if (err != null) {
                out.completeExceptionally(err);
            }
        });
        out.whenComplete((t, err) -> {
            if (out.isCancelled()) {
                granted.cancel(false); // leaves the ledger's queue so it holds back no other VM
            }
        });
        return out;
    }

    /** Re-evaluates the queue (the limit setting changed). */
    public void poke() {
        ledger.poke();
    }

    /** VMs waiting to start. */
    public int waiting() {
        return ledger.waiting();
    }

    /** Disks of started VMs not yet copied, on {@code hostKey}. */
    public int inFlight(String hostKey) {
        return ledger.inUse(hostKey);
    }

    /** The per-host limit in force now (for the Pending condition's message). */
    public int limit() {
        return ledger.limit();
    }
}
