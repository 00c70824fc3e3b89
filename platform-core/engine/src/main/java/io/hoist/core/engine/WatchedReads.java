package io.hoist.core.engine;

import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Values read from the store that stay as read until a watch event of one of their kinds (any object of the kind):
 * the ForkliftController's settings and the OS map ConfigMaps were listed once per VM and once per scheduler decision.
 * A change applies at the next read after the store delivers its event: the SQLite store delivers before the write
 * returns, so a writer reads its own change; PostgreSQL's change feed delivers within a second. Values must not be
 * modified by their readers (they are shared).
 */
public final class WatchedReads implements AutoCloseable {
    private record Read(long generation, Object value) {}

    /** Moves on every event of a watched kind: a value read at an older generation is read again. */
    private final AtomicLong generation = new AtomicLong();
    private final Map<String, Read> reads = new ConcurrentHashMap<>();
    private final List<ResourceStore.Watch> watches = new ArrayList<>();
    /** Once closed no event arrives: every get reads the store again rather than keep a value that may be stale. */
    private volatile boolean closed;

    public WatchedReads(ResourceStore store, ResourceKind... kinds) {
        long since = store.currentVersion();
        for (ResourceKind kind : kinds) {
            watches.add(store.watchWithoutItems(kind, null, since, e -> generation.incrementAndGet()));
        }
    }

    /** The value under {@code key}, read with {@code read} when none was read since the last change. */
    @SuppressWarnings("unchecked")
    public <T> T get(String key, Supplier<T> read) {
        if (closed) {
            return read.get();
        }
        long now = generation.get();
        Read known = reads.get(key);
        if (known != null && known.generation() == now) {
            return (T) known.value();
        }
        // Read after taking the generation: a change meanwhile moves it on, so this value is read again next time.
        T value = read.get();
        reads.put(key, new Read(now, value));
        return value;
    }

    @Override
    public void close() {
        closed = true;
        watches.forEach(ResourceStore.Watch::close);
    }
}
