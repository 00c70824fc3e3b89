package io.hoist.core.engine.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.PriorityQueue;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * Backpressure on disk transfers. One rule: at most {@code controller_max_vm_inflight} disks are
 * transferred per source host (per provider for hostless sources), counted across every running
 * plan; a plan may set its own lower cap, and {@code controller_max_disks_inflight_total} (when set) bounds the
 * disks in flight on the whole platform. A VM asks for all its disks at once and gives each back
 * when that disk is done, so a waiting VM starts as soon as enough disks finished anywhere on the
 * host. A VM with more disks than the limit runs alone once its host is idle.
 *
 * <p>Fairness: requests are served in arrival order per host; a request that does not fit blocks
 * later requests for the same host (so big VMs are not starved by small ones), while a request
 * held back only by its own plan's cap does not block other plans. When the platform-wide limit is reached, nothing
 * more starts until a disk ends, and then in arrival order across hosts.
 *
 * <p>Copy rounds reach it from the bus: a host's {@link DiskCopyConsumers consumer} takes a round only while
 * {@link #hasRoom} says the host has credit, so waiting rounds stay messages rather than entries here.
 */
public final class TransferScheduler {
    private final IntSupplier hostLimit;
    private final IntSupplier totalLimit;
    private int inUseTotal;
    private final Map<String, Integer> inUseByHost = new HashMap<>();
    private final Map<String, Integer> inUseByPlan = new HashMap<>();
    /**
     * Waiting requests per host, each in arrival order ({@link Request#seq} orders them across hosts). A decision
     * looks at each host's head and goes deeper only past requests it grants or that wait for their plan's cap: with
     * thousands of VMs waiting on a few full hosts it costs the number of hosts, not the number of waiters.
     */
    private final Map<String, ArrayDeque<Request>> queues = new LinkedHashMap<>();
    private long nextSeq;
    /** Hosts with a queued request that waits for host slots (not only for its plan's cap): they have no credit. */
    private final Set<String> hostBlocked = new HashSet<>();
    /** A queued request waits for the platform-wide limit: no host has credit until a disk ends. */
    private boolean totalBlocked;
    /** Told after every decision (a grant, a release, a cancelled waiter): the copy consumers re-check credit. */
    private volatile Runnable onChange = () -> {};
    /** The hosts' slots other engines count too (a cluster); null in one process, where this ledger counts alone. */
    private volatile SharedHostSlots shared;

    /** @param hostLimit read on every decision, so a settings change applies without restart */
    public TransferScheduler(IntSupplier hostLimit) {
        this(hostLimit, () -> 0);
    }

    /**
     * @param hostLimit  disks per source host, read on every decision
     * @param totalLimit disks on the whole platform, 0 for no such limit; read on every decision
     */
    public TransferScheduler(IntSupplier hostLimit, IntSupplier totalLimit) {
        this.hostLimit = hostLimit;
        this.totalLimit = totalLimit;
    }

    /**
     * Counts each host's slots with {@code slots} as well (the nodes of a cluster): a request is granted only once
     * they have room too. Set before the first request.
     */
    public void share(SharedHostSlots slots) {
        this.shared = slots;
    }

    /** A granted set of disk slots; {@link #release(int)} gives back some, {@link #close()} the rest. */
    public final class Lease implements AutoCloseable {
        private final Request request;
        /** Where its slots were also taken (null in one process). */
        private final SharedHostSlots sharedWith;
        private int held;

        private Lease(Request request, SharedHostSlots sharedWith) {
            this.request = request;
            this.sharedWith = sharedWith;
            this.held = request.disks;
        }

        public void release(int disks) {
            int n;
            synchronized (TransferScheduler.this) {
                n = Math.min(disks, held);
                if (n <= 0) {
                    return;
                }
                held -= n;
                add(inUseByHost, request.hostKey, -n);
                add(inUseByPlan, request.planKey, -n);
                inUseTotal -= n;
            }
            if (sharedWith != null) {
                sharedWith.giveBack(request.hostKey, n); // outside the lock: it may cross the network
            }
            dispatch();
        }

        public int held() {
            synchronized (TransferScheduler.this) {
                return held;
            }
        }

        @Override
        public void close() {
            release(Integer.MAX_VALUE);
        }
    }

    private final class Request {
        final String hostKey;
        final String planKey;
        final int disks;
        final int planCap;
        final CompletableFuture<Lease> future = new CompletableFuture<>();
        long seq;

        Request(String hostKey, String planKey, int disks, int planCap) {
            this.hostKey = hostKey;
            this.planKey = planKey;
            this.disks = disks;
            this.planCap = planCap;
        }
    }

    /**
     * Asks for {@code disks} slots on {@code hostKey} for a VM of plan {@code planKey}.
     * {@code planCap} 0 means the plan has no cap of its own. Cancel the returned future to leave the queue.
     */
    public CompletableFuture<Lease> acquire(String hostKey, String planKey, int disks, int planCap) {
        Request r = new Request(hostKey, planKey, Math.max(1, disks), Math.max(0, planCap));
        synchronized (this) {
            r.seq = nextSeq++;
            queues.computeIfAbsent(r.hostKey, k -> new ArrayDeque<>()).add(r);
        }
        // A cancelled waiter must leave the queue so it does not hold back the host.
        r.future.whenComplete((lease, err) -> {
            if (r.future.isCancelled()) {
                synchronized (this) {
                    ArrayDeque<Request> q = queues.get(r.hostKey);
                    if (q != null && q.remove(r) && q.isEmpty()) {
                        queues.remove(r.hostKey);
                    }
                }
                dispatch();
            }
        });
        dispatch();
        return r.future;
    }

    /** Called after every decision, outside the lock (the disk-copy consumers fetch more work when a host has room). */
    public void onChange(Runnable listener) {
        this.onChange = listener;
    }

    /**
     * Whether a new request for {@code hostKey} could start now: the host has a free slot and nothing queued for
     * it waits for host slots. This is a host consumer's credit: it takes the next copy message only while true.
     */
    public synchronized boolean hasRoom(String hostKey) {
        int total = totalLimit();
        return !hostBlocked.contains(hostKey) && inUseByHost.getOrDefault(hostKey, 0) < limit()
                && (total == 0 || (!totalBlocked && inUseTotal < total));
    }

    /** Disks in flight on the whole platform now. */
    public synchronized int inUseTotal() {
        return inUseTotal;
    }

    /** Re-evaluates the queue, e.g. after the limit setting changed. */
    public void poke() {
        dispatch();
    }

    public synchronized int inUse(String hostKey) {
        return inUseByHost.getOrDefault(hostKey, 0);
    }

    /** Disks in flight per source host now (a copy), for the hoist_disks_in_flight metric. */
    public synchronized Map<String, Integer> inUseByHost() {
        return Map.copyOf(inUseByHost);
    }

    public synchronized int waiting() {
        int n = 0;
        for (ArrayDeque<Request> q : queues.values()) {
            n += q.size();
        }
        return n;
    }

    /** Disks waiting for a slot per source host now (a copy), for the hoist_disks_waiting metric. */
    public synchronized Map<String, Integer> waitingByHost() {
        Map<String, Integer> out = new HashMap<>();
        queues.values().forEach(q -> q.forEach(r -> out.merge(r.hostKey, r.disks, Integer::sum)));
        return out;
    }

    /** The limit in force now (for the Pending condition's message). */
    public int limit() {
        return Math.max(1, hostLimit.getAsInt());
    }

    /** The platform-wide limit in force now, 0 for none. */
    public int totalLimit() {
        return Math.max(0, totalLimit.getAsInt());
    }

    /** A host's queue being walked by one decision: its next request in line. */
    private static final class Cursor {
        final Iterator<Request> it;
        Request current;

        Cursor(Iterator<Request> it) {
            this.it = it;
            this.current = it.next();
        }

        boolean advance() {
            current = it.hasNext() ? it.next() : null;
            return current != null;
        }
    }

    /**
     * Serves waiting requests in arrival order across hosts (hosts' heads merged by arrival): a request that does
     * not fit its host stops that host; one held back by its plan's cap is passed over; one that fits everything but
     * the platform-wide limit stops everything.
     */
    private void dispatch() {
        List<Runnable> grants = new ArrayList<>();
        synchronized (this) {
            int limit = limit();
            int total = totalLimit();
            SharedHostSlots slots = shared;
            hostBlocked.clear();
            totalBlocked = false;
            PriorityQueue<Cursor> heads = new PriorityQueue<>(Math.max(1, queues.size()),
                    Comparator.comparingLong((Cursor c) -> c.current.seq));
            for (ArrayDeque<Request> q : queues.values()) {
                if (!q.isEmpty()) {
                    heads.add(new Cursor(q.iterator()));
                }
            }
            for (Cursor c; (c = heads.poll()) != null; ) {
                Request r = c.current;
                boolean next;
                if (r.future.isDone()) {
                    c.it.remove();
                    next = c.advance();
                } else if (!fits(inUseByHost.getOrDefault(r.hostKey, 0), r.disks, limit)) {
                    hostBlocked.add(r.hostKey);
                    next = false;
                } else if (r.planCap > 0 && !fits(inUseByPlan.getOrDefault(r.planKey, 0), r.disks, r.planCap)) {
                    next = c.advance();
                } else if (total > 0 && !fits(inUseTotal, r.disks, total)) {
                    totalBlocked = true; // first come first served across hosts: later requests wait too
                    break;
                } else if (slots != null && !slots.tryTake(r.hostKey, r.disks, limit)) {
                    hostBlocked.add(r.hostKey); // full on the other nodes: waits until they give slots back
                    next = false;
                } else {
                    c.it.remove();
                    add(inUseByHost, r.hostKey, r.disks);
                    add(inUseByPlan, r.planKey, r.disks);
                    inUseTotal += r.disks;
                    Lease lease = new Lease(r, slots);
                    grants.add(() -> {
                        if (!r.future.complete(lease)) {
                            lease.close(); // cancelled between grant and completion
                        }
                    });
                    next = c.advance();
                }
                if (next) {
                    heads.add(c);
                }
            }
            queues.values().removeIf(ArrayDeque::isEmpty);
        }
        // Complete outside the lock: continuations may call back into the scheduler.
        grants.forEach(Runnable::run);
        onChange.run();
    }

    /**
     * Whether {@code wanted} more slots fit beside {@code used} under {@code limit}: a request bigger than the limit
     * fits only when nothing is in use (it runs alone).
     */
    public static boolean fits(int used, int wanted, int limit) {
        return used + wanted <= limit || (wanted > limit && used == 0);
    }

    private static void add(Map<String, Integer> m, String key, int delta) {
        int v = m.getOrDefault(key, 0) + delta;
        if (v <= 0) {
            m.remove(key);
        } else {
            m.put(key, v);
        }
    }
}
