package io.hoist.core.cluster;

import io.hoist.core.engine.scheduler.SharedHostSlots;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ledger's disk slots per source host, and of the platform, counted across the cluster ({@link HostLeases} under
 * the ledger's name): what a node's {@code TransferScheduler} (disk copies) or {@code VmAdmission} (VMs starting) asks
 * before it grants a request, so {@code controller_max_vm_inflight} holds for a host whichever nodes copy from it and
 * {@code controller_max_disks_inflight_total} for the whole cluster. A node that could not take slots waits for a
 * node to give some back and for its turn ({@link #refused()} until then).
 */
final class ClusterHostSlots implements SharedHostSlots {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterHostSlots.class);
    private final HostLeases leases;
    private final String ledger;
    private final String self;
    /** Told the lease key whose slots were given back (the other nodes look again). */
    private final Consumer<String> gaveBack;
    private volatile boolean refused;

    ClusterHostSlots(HostLeases leases, String ledger, String self, Consumer<String> gaveBack) {
        this.leases = leases;
        this.ledger = ledger;
        this.self = self;
        this.gaveBack = gaveBack;
    }

    @Override
    public boolean tryTake(String hostKey, int disks, int limit, long askedAt) {
        boolean taken;
        try {
            taken = leases.take(key(hostKey), self, disks, limit, askedAt);
        } catch (RuntimeException e) {
            // the cluster's count is out of reach (a member leaving, partitions moving): take nothing, try again
            LOG.warn("{} slots of host {}: the cluster's count is out of reach: {}", ledger, hostKey, e.toString());
            taken = false;
        }
        if (!taken) {
            refused = true;
        }
        return taken;
    }

    @Override
    public void giveBack(String hostKey, int disks) {
        try {
            leases.add(key(hostKey), self, -disks);
        } catch (RuntimeException e) {
            // not lost: if this node is cut off, the others drop its leases when it leaves their view
            LOG.warn("{} slots of host {}: not given back to the cluster's count: {}", ledger, hostKey, e.toString());
        }
        gaveBack.accept(key(hostKey));
    }

    @Override
    public void withdraw(String hostKey) {
        try {
            leases.withdraw(key(hostKey), self);
        } catch (RuntimeException e) {
            // its turn lapses on its own once this node stops asking (HostLeases.TURN_KEPT_MS)
            LOG.warn("{} slots of host {}: this node's turn is not given up: {}", ledger, hostKey, e.toString());
            return;
        }
        gaveBack.accept(key(hostKey)); // a node waiting behind this one may take now
    }

    @Override
    public long clock() {
        return leases.clock();
    }

    /** The lease key of a host in this ledger. */
    String key(String hostKey) {
        return ledger + "|" + hostKey;
    }

    /** Whether a key belongs to this ledger. */
    boolean owns(String key) {
        return key.startsWith(ledger + "|");
    }

    /** Whether a request was refused since the last call: the scheduler has something to look at again. */
    boolean refused() {
        boolean was = refused;
        refused = false;
        return was;
    }
}
