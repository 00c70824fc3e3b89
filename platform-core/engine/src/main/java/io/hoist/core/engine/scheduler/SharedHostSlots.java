package io.hoist.core.engine.scheduler;

/**
 * The disk slots of each source host, and of the whole platform, that other engines draw from too (the nodes of a
 * cluster): a {@link TransferScheduler} given one grants a request only once these slots also have room, so a host's
 * limit and {@code controller_max_disks_inflight_total} hold across every node rather than per node. In one process
 * there is none and the scheduler counts alone.
 *
 * <p>Calls may cross the network; the scheduler makes {@link #tryTake} while it decides and {@link #giveBack} after
 * a lease's slots are back in its own count. An implementation tells the scheduler to look again
 * ({@link TransferScheduler#poke()}) when slots were given back elsewhere. Requests refused for room are served in
 * the order they were asked across engines: {@code askedAt} is {@link #clock()}'s time when the request was made.
 */
public interface SharedHostSlots {
    /** The key of the platform-wide count ({@code controller_max_disks_inflight_total}): host keys all hold a '/'. */
    String ALL_HOSTS = "*";

    /**
     * Takes {@code disks} slots of {@code hostKey} ({@link #ALL_HOSTS}: of the platform) when every holder's slots
     * plus these fit {@code limit} (or nobody holds any and the request alone is bigger than the limit,
     * {@link TransferScheduler#fits}) and no other engine waits for them since before {@code askedAt}; false, taking
     * nothing, when they do not, or the count cannot be reached. A refused engine waits in that order until it takes
     * or {@link #withdraw}s.
     */
    boolean tryTake(String hostKey, int disks, int limit, long askedAt);

    /** Gives back {@code disks} slots of {@code hostKey} this engine took. */
    void giveBack(String hostKey, int disks);

    /** This engine no longer waits for slots of {@code hostKey} (its requests were granted elsewhere or canceled). */
    void withdraw(String hostKey);

    /** Milliseconds on a clock every engine sharing the slots reads alike (the order of asking across them). */
    long clock();
}
