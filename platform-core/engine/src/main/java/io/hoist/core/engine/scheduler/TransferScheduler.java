package io.hoist.core.engine.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * held back only by its own plan's cap holds back that plan's later requests on the host, not other plans. When the
 * platform-wide limit is reached, nothing more starts until a disk ends, and then in arrival order across hosts.
 *
 * <p>Cost: waiting requests are kept per host and plan in arrival order, so a decision looks only at the head of each
 * (host, plan) queue and at what it grants: its work grows with hosts times plans, never with the number of waiting
 * VMs (20,000 of them in one plan walked under this lock on every disk's end when a plan cap held them). A cancelled
 * request leaves its queue at once (no search), and the counts read by metrics and by the copy consumers' credit
 * ({@link #hasRoom}, {@link #inUseByHost}, {@link #waitingByHost}, {@link #waiting}) are kept as each decision goes,
 * readable without the lock: an event-loop thread never waits for it.
 *
 * <p>Copy rounds reach it from the bus: a host's {@link DiskCopyConsumers consumer} takes a round only while
 * {@link #hasRoom} says the host has credit, so waiting rounds stay messages rather than entries here.
 */
public final class TransferScheduler {
    private final IntSupplier hostLimit;
    private final IntSupplier totalLimit;
    // Written under the lock (this), read without it: the consumers' credit and the metrics.
    private volatile int inUseTotal;
    private final Map<String, Integer> inUseByHost = new ConcurrentHashMap<>();
    private final Map<String, Integer> waitingDisksByHost = new ConcurrentHashMap<>();
    private volatile int waitingCount;
    /** Hosts with a queued request that waits for host slots (not only for its plan's cap): they have no credit. */
    private final Set<String> hostBlocked = ConcurrentHashMap.newKeySet();
    /** A queued request waits for the platform-wide limit: no host has credit until a disk ends. */
    private volatile boolean totalBlocked;
    // Guarded by this.
    private final Map<String, Integer> inUseByPlan = new HashMap<>();
    /** Waiting requests by host, then plan, each queue in arrival order ({@link Request#seq} orders across queues). */
    private final Map<String, Map<String, LinkedHashSet<Request>>> queues = new LinkedHashMap<>();
    private long nextSeq;
    /** Requests a decision looked at, in total (for tests: it must not grow with the number waiting). */
    private long examined;
    /** Told after every decision (a grant, a release, a cancelled waiter): the copy consumers re-check credit. */
    private volatile Runnable onChange = () -> {};
    /** The hosts' slots other engines count too (a cluster); null in one process, where this ledger counts alone. */
    private volatile SharedHostSlots shared;
    /** The platform-wide limit counted with {@link #shared} (the cluster's, without this node's own cap), 0 for none. */
    private volatile IntSupplier sharedTotalLimit = () -> 0;
    /** Keys ({@link SharedHostSlots#ALL_HOSTS} or hosts) {@link #shared} refused a request of, not withdrawn yet. */
    private final Set<String> waitingShared = new HashSet<>();

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
     * Counts each host's slots with {@code slots} as well (the nodes of a cluster), and the platform's under
     * {@code platformLimit} (0 for none; read on every decision) when set: a request is granted only once they have
     * room too. Set before the first request.
     */
    public void share(SharedHostSlots slots, IntSupplier platformLimit) {
        this.sharedTotalLimit = platformLimit;
        this.shared = slots;
    }

    /** A granted set of disk slots; {@link #release(int)} gives back some, {@link #close()} the rest. */
    public final class Lease implements AutoCloseable {
        private final Request request;
        /** Where its slots were also taken (null in one process). */
        private final SharedHostSlots sharedWith;
        /** Whether its slots were also taken from the shared platform-wide count. */
        private final boolean sharedTotal;
        private int held;

        private Lease(Request request, SharedHostSlots sharedWith, boolean sharedTotal) {
            this.request = request;
            this.sharedWith = sharedWith;
            this.sharedTotal = sharedTotal;
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
            if (sharedWith != null) { // outside the lock: it may cross the network
                sharedWith.giveBack(request.hostKey, n);
                if (sharedTotal) {
                    sharedWith.giveBack(SharedHostSlots.ALL_HOSTS, n);
                }
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
        /** The shared slots' clock when asked (their order across engines); 0 in one process. */
        long askedAt;

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
        SharedHostSlots slots = shared;
        r.askedAt = slots == null ? 0 : slots.clock();
        synchronized (this) {
            r.seq = nextSeq++;
            queues.computeIfAbsent(r.hostKey, k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.planKey, k -> new LinkedHashSet<>()).add(r);
            add(waitingDisksByHost, r.hostKey, r.disks);
            waitingCount++;
        }
        // A cancelled waiter must leave the queue so it does not hold back the host.
        r.future.whenComplete((lease, err) -> {
            if (r.future.isCancelled()) {
                synchronized (this) {
                    dequeue(r);
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
     * Read without the lock (an event loop asks): a decision under way may make it stale, and every decision ends
     * with {@link #onChange}, after which it is asked again.
     */
    public boolean hasRoom(String hostKey) {
        int total = totalLimit();
        return !hostBlocked.contains(hostKey) && !totalBlocked && inUseByHost.getOrDefault(hostKey, 0) < limit()
                && (total == 0 || inUseTotal < total); // blocked by the cluster's platform count too, not only ours
    }

    /** Disks in flight on the whole platform now. */
    public int inUseTotal() {
        return inUseTotal;
    }

    /** Re-evaluates the queue, e.g. after the limit setting changed. */
    public void poke() {
        dispatch();
    }

    public int inUse(String hostKey) {
        return inUseByHost.getOrDefault(hostKey, 0);
    }

    /** Disks in flight per source host now (a copy), for the hoist_disks_in_flight metric. */
    public Map<String, Integer> inUseByHost() {
        return Map.copyOf(inUseByHost);
    }

    /** Requests waiting now. */
    public int waiting() {
        return waitingCount;
    }

    /** Disks waiting for a slot per source host now (a copy), for the hoist_disks_waiting metric. */
    public Map<String, Integer> waitingByHost() {
        return Map.copyOf(waitingDisksByHost);
    }

    /** The limit in force now (for the Pending condition's message). */
    public int limit() {
        return Math.max(1, hostLimit.getAsInt());
    }

    /** The platform-wide limit in force now, 0 for none. */
    public int totalLimit() {
        return Math.max(0, totalLimit.getAsInt());
    }

    /** How many waiting requests decisions have looked at so far (tests: a decision's cost). */
    synchronized long examined() {
        return examined;
    }

    /** Takes {@code r} out of its queue and the counts; false when it was no longer there. Called holding the lock. */
    private boolean dequeue(Request r) {
        Map<String, LinkedHashSet<Request>> host = queues.get(r.hostKey);
        LinkedHashSet<Request> q = host == null ? null : host.get(r.planKey);
        if (q == null || !q.remove(r)) {
            return false;
        }
        if (q.isEmpty()) {
            host.remove(r.planKey);
            if (host.isEmpty()) {
                queues.remove(r.hostKey);
            }
        }
        add(waitingDisksByHost, r.hostKey, -r.disks);
        waitingCount--;
        return true;
    }

    /**
     * Serves waiting requests in arrival order across hosts (the heads of every host's plan queues merged by
     * arrival): a request that does not fit its host stops that host; one held back by its plan's cap stops its
     * plan's queue on that host; one that fits everything but the platform-wide limit stops everything.
     */
    private void dispatch() {
        List<Runnable> grants = new ArrayList<>();
        List<String> withdrawn = new ArrayList<>();
        SharedHostSlots slots = shared;
        synchronized (this) {
            int limit = limit();
            int total = totalLimit();
            int sharedTotal = slots == null ? 0 : Math.max(0, sharedTotalLimit.getAsInt());
            boolean totalStop = false;
            Set<String> blocked = new HashSet<>();
            PriorityQueue<LinkedHashSet<Request>> heads = new PriorityQueue<>(Math.max(1, queues.size()),
                    Comparator.comparingLong((LinkedHashSet<Request> q) -> q.getFirst().seq));
            for (Map<String, LinkedHashSet<Request>> host : queues.values()) {
                heads.addAll(host.values());
            }
            for (LinkedHashSet<Request> q; (q = heads.poll()) != null; ) {
                Request r = q.getFirst();
                examined++;
                if (blocked.contains(r.hostKey)) {
                    continue; // an earlier request of this host waits for host slots: later ones wait behind it
                }
                if (r.future.isDone()) {
                    dequeue(r); // cancelled; its own callback finds it gone
                } else if (!fits(inUseByHost.getOrDefault(r.hostKey, 0), r.disks, limit)) {
                    blocked.add(r.hostKey);
                    continue;
                } else if (r.planCap > 0 && !fits(inUseByPlan.getOrDefault(r.planKey, 0), r.disks, r.planCap)) {
                    continue; // this plan's later requests on the host wait behind it; other plans go on
                } else if (total > 0 && !fits(inUseTotal, r.disks, total)) {
                    totalStop = true; // first come first served across hosts: later requests wait too
                    break;
                } else if (slots != null && !takeShared(slots, r.hostKey, r, limit)) {
                    blocked.add(r.hostKey); // full on the other nodes, or one asked earlier: waits for its turn
                    continue;
                } else if (sharedTotal > 0 && !takeShared(slots, SharedHostSlots.ALL_HOSTS, r, sharedTotal)) {
                    slots.giveBack(r.hostKey, r.disks);
                    totalStop = true; // the cluster's limit: first come first served across nodes and hosts
                    break;
                } else {
                    dequeue(r);
                    add(inUseByHost, r.hostKey, r.disks);
                    add(inUseByPlan, r.planKey, r.disks);
                    inUseTotal += r.disks;
                    Lease lease = new Lease(r, slots, sharedTotal > 0);
                    grants.add(() -> {
                        if (!r.future.complete(lease)) {
                            lease.close(); // cancelled between grant and completion
                        }
                    });
                }
                if (!q.isEmpty()) {
                    heads.add(q);
                }
            }
            // Replaced in place (not cleared and refilled) so a lock-free hasRoom never sees a blocked host as free
            // half-way through.
            hostBlocked.addAll(blocked);
            hostBlocked.retainAll(blocked);
            totalBlocked = totalStop;
            // no request left for a key the shared slots refused: this engine's turn there is given up
            waitingShared.removeIf(key -> (key.equals(SharedHostSlots.ALL_HOSTS) ? queues.isEmpty()
                    : !queues.containsKey(key)) && withdrawn.add(key));
        }
        if (slots != null) {
            withdrawn.forEach(slots::withdraw);
        }
        // Complete outside the lock: continuations may call back into the scheduler.
        grants.forEach(Runnable::run);
        onChange.run();
    }

    /** Takes {@code r}'s slots of {@code key} from the shared count; a refusal keeps its turn there. Holding the lock. */
    private boolean takeShared(SharedHostSlots slots, String key, Request r, int limit) {
        if (slots.tryTake(key, r.disks, limit, r.askedAt)) {
            waitingShared.remove(key);
            return true;
        }
        waitingShared.add(key);
        return false;
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
