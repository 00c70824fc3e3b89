package io.hoist.core.engine.scheduler;

/**
 * The disk slots of each source host that other engines draw from too (the nodes of a cluster): a
 * {@link TransferScheduler} given one grants a request only once these slots also have room, so a host's limit holds
 * across every node rather than per node. In one process there is none and the scheduler counts alone.
 *
 * <p>Calls may cross the network; the scheduler makes {@link #tryTake} while it decides and {@link #giveBack} after
 * a lease's slots are back in its own count. An implementation tells the scheduler to look again
 * ({@link TransferScheduler#poke()}) when slots were given back elsewhere.
 */
public interface SharedHostSlots {
    /**
     * Takes {@code disks} slots of {@code hostKey} when every holder's slots plus these fit {@code limit} (or nobody
     * holds any and the request alone is bigger than the limit, {@link TransferScheduler#fits}); false, taking
     * nothing, when they do not fit now or the count cannot be reached.
     */
    boolean tryTake(String hostKey, int disks, int limit);

    /** Gives back {@code disks} slots of {@code hostKey} this engine took. */
    void giveBack(String hostKey, int disks);
}
