package io.hoist.core.store.postgresql;

import static io.hoist.core.store.jdbc.StoredObjects.checkVersion;
import static io.hoist.core.store.jdbc.StoredObjects.checkedBody;
import static io.hoist.core.store.jdbc.StoredObjects.identity;
import static io.hoist.core.store.jdbc.StoredObjects.metadata;
import static io.hoist.core.store.jdbc.StoredObjects.ns;
import static io.hoist.core.store.jdbc.StoredObjects.objectKey;
import static io.hoist.core.store.jdbc.StoredObjects.requireName;
import static io.hoist.core.store.jdbc.StoredObjects.serialize;
import static io.hoist.core.store.jdbc.StoredObjects.text;
import static io.hoist.core.store.jdbc.StoredObjects.withVersion;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import io.hoist.core.store.jdbc.ItemRows;
import io.hoist.core.store.jdbc.ObjectReads;
import io.hoist.core.store.jdbc.StoredObjects;
import io.hoist.core.store.jdbc.UnreadableRows;
import io.hoist.core.store.jdbc.WriteTimers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ResourceStore} on a PostgreSQL database that several Hoist nodes share.
 *
 * <p>Writes: each is one transaction that first locks the resourceVersion counter's row, so writes from every node
 * are serialised, each gets the next version, and they commit in version order; the object row and its change-log
 * row are written in that transaction, which is durable when it commits (PostgreSQL's default
 * {@code synchronous_commit}). A rolled-back write consumes no version, so the change log has no holes.
 *
 * <p>Watches: the change log is the truth and {@code LISTEN/NOTIFY} only the wake-up. One feed thread per store reads
 * the log in version order from the last change it delivered (woken by a notification, or every second), so a
 * notification lost across a reconnect or a restart of PostgreSQL loses no event. Events reach listeners on that
 * thread, after the write returned (unlike the SQLite store, which delivers on the writing thread).
 *
 * <p>Schema: versioned migrations run by Flyway at open ({@code io/hoist/core/store/postgresql/migration}).
 */
public final class PostgresResourceStore implements ResourceStore {
    static final long DEFAULT_RETAINED_CHANGES = 100_000;
    private static final String CHANNEL = "hoist_changes";
    private static final int FEED_BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(PostgresResourceStore.class);

    private final PostgresLocation location;
    private final long retainedChanges;
    private final HikariDataSource pool;
    private final UnreadableRows unreadable;
    private final ChangeFeed feed;
    private final WriteTimers writeTimers;
    /** The store that opened the pool; a {@link #fencedBy} view shares its pool, feed and state. */
    private final PostgresResourceStore owner;
    /** The leader term this view's writes need ({@link LeaderLease}); 0: writes are not fenced. */
    private final long term;
    /** The VM runs whose entry writes this view checks against their placement epoch; null: not checked. */
    private final HeldRuns held;
    private volatile boolean closed;

    private PostgresResourceStore(PostgresLocation location, long retainedChanges) {
        this.location = location;
        this.retainedChanges = retainedChanges;
        this.writeTimers = new WriteTimers();
        this.unreadable = new UnreadableRows();
        this.owner = this;
        this.term = 0;
        this.held = null;
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(location.jdbcUrl());
        cfg.setDataSourceProperties(location.properties());
        cfg.setPoolName("hoist-store");
        cfg.setMaximumPoolSize(8);
        cfg.setMinimumIdle(1);
        // A first connection that fails is reported at open, with PostgreSQL's own reason.
        cfg.setInitializationFailTimeout(10_000);
        try {
            this.pool = new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the PostgreSQL store " + location + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure().dataSource(pool)
                    .locations("classpath:io/hoist/core/store/postgresql/migration")
                    .table("hoist_schema_history")
                    .load().migrate();
            try (Connection c = pool.getConnection()) {
                unreadable.scan(c);
            }
            this.feed = new ChangeFeed(currentVersion());
        } catch (RuntimeException | SQLException e) {
            pool.close();
            throw new StoreException("cannot open the PostgreSQL store " + location + ": " + rootMessage(e), e);
        }
        feed.start();
    }

    /**
     * A view of {@code owner} whose writes are refused once {@code term} is no longer the leader's (0: not fenced), and
     * whose VM-entry writes are refused once a run of {@code held} was placed on another node (null: not checked).
     */
    private PostgresResourceStore(PostgresResourceStore owner, long term, HeldRuns held) {
        this.location = owner.location;
        this.retainedChanges = owner.retainedChanges;
        this.pool = owner.pool;
        this.feed = owner.feed;
        this.writeTimers = owner.writeTimers;
        this.unreadable = owner.unreadable;
        this.owner = owner;
        this.term = term;
        this.held = held;
    }

    /**
     * This store as the leader of {@code term} writes through it: each write checks, in its own transaction, that the
     * lease is still at that term and fails with {@link StoreException.Fenced}, writing nothing, once another node
     * was elected. Reads and watches are the same as this store's. Closing the view closes nothing.
     */
    public PostgresResourceStore fencedBy(long term) {
        if (term <= 0) {
            throw new IllegalArgumentException("a leader term is positive, got " + term);
        }
        return new PostgresResourceStore(owner, term, null);
    }

    /**
     * This store as a node running the VM runs of {@code held} writes through it: a write of a plan's VM entries
     * ({@link #writeSerializedItems}) checks, in its own transaction under a share lock on each run's placement row,
     * that no entry's run was placed again since the epoch the node holds, and fails with
     * {@link StoreException.Superseded}, writing nothing, when one was. Entries of runs the node does not hold, other
     * writes, reads and watches are this store's. Closing the view closes nothing.
     */
    public PostgresResourceStore guardedBy(HeldRuns held) {
        return new PostgresResourceStore(owner, term, java.util.Objects.requireNonNull(held, "held"));
    }

    /** Opens the store at {@code location}, creating or upgrading its tables. */
    public static PostgresResourceStore open(PostgresLocation location) {
        return open(location, DEFAULT_RETAINED_CHANGES);
    }

    /** As {@link #open(PostgresLocation)}, keeping only the last {@code retainedChanges} changes for watch replay. */
    public static PostgresResourceStore open(PostgresLocation location, long retainedChanges) {
        return new PostgresResourceStore(location, retainedChanges);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().lines().findFirst().orElse("");
    }

    @Override
    public List<UnreadableObject> unreadable() {
        return unreadable.list();
    }

    // ---- reads ----

    @Override
    public Optional<ObjectNode> get(ResourceKind kind, String namespace, String name) {
        return get(kind, namespace, name, true);
    }

    @Override
    public Optional<ObjectNode> getWithoutItems(ResourceKind kind, String namespace, String name) {
        return get(kind, namespace, name, false);
    }

    private Optional<ObjectNode> get(ResourceKind kind, String namespace, String name, boolean items) {
        // the version is the rv column's: an items-only write moves it without rewriting the body
        return read(c -> ObjectReads.one(c, "SELECT body, has_items, rv FROM objects WHERE kind = ? AND namespace = ? AND name = ?",
                unreadable, kind, ns(namespace), name, items, (row, n, m) -> row.getBoolean(2), 3));
    }

    @Override
    public Optional<ObjectNode> item(ResourceKind kind, String namespace, String name, String id) {
        return read(c -> ItemRows.readOne(c, kind, ns(namespace), name, id));
    }

    @Override
    public List<ObjectNode> list(ResourceKind kind, String namespace) {
        return list(kind, namespace, true);
    }

    @Override
    public List<ObjectNode> listWithoutItems(ResourceKind kind, String namespace) {
        return list(kind, namespace, false);
    }

    private List<ObjectNode> list(ResourceKind kind, String namespace, boolean items) {
        // COLLATE "C": byte order, as the SQLite store sorts, whatever the database's locale
        String sql = "SELECT body, namespace, name, has_items, rv FROM objects WHERE kind = ?"
                + (namespace == null ? "" : " AND namespace = ?") + " ORDER BY namespace COLLATE \"C\", name COLLATE \"C\"";
        return read(c -> ObjectReads.all(c, sql, unreadable, kind, namespace, items, (row, n, m) -> row.getBoolean(4), 5));
    }

    @Override
    public long currentVersion() {
        return read(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT rv FROM counter WHERE id = 0")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public long oldestReplayableVersion() {
        return read(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT MIN(rv), (SELECT rv FROM counter WHERE id = 0) FROM changes")) {
                rs.next();
                long min = rs.getLong(1);
                return rs.wasNull() ? rs.getLong(2) + 1 : min;
            }
        });
    }

    // ---- writes ----

    @Override
    public ObjectNode create(ResourceKind kind, ObjectNode object) {
        ObjectNode obj = object.deepCopy();
        ObjectNode meta = metadata(obj);
        String namespace = ns(text(meta, "namespace"));
        String name = requireName(meta);
        ArrayNode items = ItemRows.detach(kind, obj);
        ObjectNode created = write(tx -> {
            if (tx.load(kind, namespace, name, false) != null) {
                throw new StoreException.AlreadyExists(kind.plural() + " \"" + name + "\" already exists");
            }
            long rv = tx.version + 1;
            StoredObjects.stampCreated(kind, obj, namespace, rv);
            if (items != null) {
                ItemRows.replaceAll(tx.c, kind, namespace, name, items);
            }
            tx.store(kind, namespace, name, obj, "ADDED", false, items != null);
            return obj;
        });
        return withList(kind, namespace, name, created, items);
    }

    @Override
    public ObjectNode update(ResourceKind kind, ObjectNode object) {
        return replace(kind, object, false, true);
    }

    @Override
    public ObjectNode updateStatus(ResourceKind kind, ObjectNode object) {
        return replace(kind, object, true, true);
    }

    @Override
    public ObjectNode updateStatusWithoutItems(ResourceKind kind, ObjectNode object) {
        return replace(kind, object, true, false);
    }

    private ObjectNode replace(ResourceKind kind, ObjectNode incoming, boolean statusOnly, boolean withItemsBack) {
        ObjectNode in = incoming.deepCopy();
        ObjectNode inMeta = metadata(in);
        String namespace = ns(text(inMeta, "namespace"));
        String name = requireName(inMeta);
        String expectedRv = text(inMeta, "resourceVersion");
        // Only a status write carries the item list (an update keeps the stored status, rows included).
        ArrayNode items = statusOnly ? ItemRows.detach(kind, in) : null;
        ObjectNode written = write(tx -> {
            Stored existing = tx.load(kind, namespace, name, true);
            if (existing == null) {
                throw new StoreException.NotFound(kind.plural() + " \"" + name + "\" not found");
            }
            checkVersion(kind, name, existing.body, expectedRv);
            ObjectNode result = StoredObjects.replaced(kind, existing.body, in, statusOnly, namespace, tx.version + 1);
            if (items != null) {
                ItemRows.replaceAll(tx.c, kind, namespace, name, items);
            }
            tx.store(kind, namespace, name, result, "MODIFIED", false, items != null || existing.hasItems);
            return result;
        });
        return withItemsBack ? withList(kind, namespace, name, written, items) : written;
    }

    /** A written object as callers see it: with its item list (the one just written, or read back). */
    private ObjectNode withList(ResourceKind kind, String namespace, String name, ObjectNode written, ArrayNode items) {
        if (items != null) {
            ObjectNode out = written.deepCopy();
            ItemRows.put(out, ResourceStore.itemListPath(kind), items);
            return out;
        }
        if (!ItemRows.hasList(kind)) {
            return written;
        }
        return read(c -> {
            ObjectNode out = written.deepCopy();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT has_items FROM objects WHERE kind = ? AND namespace = ? AND name = ?")) {
                key(ps, kind, namespace, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        ItemRows.attach(c, kind, namespace, name, out);
                    }
                }
            }
            return out;
        });
    }

    @Override
    public String writeItems(ResourceKind kind, String namespace, String name, List<ObjectNode> items) {
        return writeSerializedItems(kind, namespace, name, ItemRows.serialized(items));
    }

    @Override
    public String writeSerializedItems(ResourceKind kind, String namespace, String name, List<SerializedItem> items) {
        if (!ItemRows.hasList(kind)) {
            throw new IllegalArgumentException(kind.kind() + " has no item list");
        }
        ItemRows.checkIds(items);
        String n = ns(namespace);
        List<HeldRuns.Run> runs = held == null || kind != ResourceKind.PLAN ? List.of()
                : held.ofPlan(n, name, items.stream().map(SerializedItem::id).toList());
        return write(tx -> {
            // before anything is written, and locked until the commit: a leader placing the run again waits for it
            RunEpochs.refuseStale(tx.c, runs);
            long rv = tx.version + 1;
            // Only the version moves: the body (a 20,000-VM plan's spec lists every VM) is neither read, parsed,
            // written again nor copied into the change log; reads take the version from the rv column.
            try (PreparedStatement ps = tx.c.prepareStatement(
                    "UPDATE objects SET rv = ?, has_items = TRUE WHERE kind = ? AND namespace = ? AND name = ?")) {
                ps.setLong(1, rv);
                ps.setString(2, kind.name());
                ps.setString(3, n);
                ps.setString(4, name);
                if (ps.executeUpdate() == 0) {
                    throw new StoreException.NotFound(kind.plural() + " \"" + name + "\" not found");
                }
            }
            for (SerializedItem item : items) {
                ItemRows.upsert(tx.c, kind, n, name, item.id(), item.json());
            }
            tx.appendChange(rv, "MODIFIED", kind, n, name, ITEMS_ONLY_BODY, true);
            return Long.toString(rv);
        });
    }

    @Override
    public Optional<ObjectNode> delete(ResourceKind kind, String namespace, String name) {
        String n = ns(namespace);
        return write(tx -> {
            Stored existing;
            try {
                existing = tx.load(kind, n, name, true);
            } catch (StoreException.Unreadable e) {
                existing = new Stored(identity(kind, n, name), false);
            }
            if (existing == null) {
                return Optional.<ObjectNode>empty();
            }
            ObjectNode last = existing.body;
            if (existing.hasItems) {
                // The DELETED event carries the whole final state, list included.
                ItemRows.attach(tx.c, kind, n, name, last);
                ItemRows.deleteAll(tx.c, kind, n, name);
            }
            long rv = tx.version + 1;
            try (PreparedStatement ps = tx.c.prepareStatement(
                    "DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?")) {
                key(ps, kind, n, name);
                ps.executeUpdate();
            }
            // Like Kubernetes, the DELETED event carries the final state at the deletion's version.
            ((ObjectNode) last.get("metadata")).put("resourceVersion", Long.toString(rv));
            tx.appendChange(rv, "DELETED", kind, n, name, serialize(last), false);
            unreadable.forget(kind.name(), n, name);
            return Optional.of(last);
        });
    }

    /**
     * The change-log body of an items-only write: the object's body is the one of its previous change (an items-only
     * write does not change it), so the log does not hold a copy of a big plan per status batch.
     */
    private static final String ITEMS_ONLY_BODY = "";

    /** An object as stored, and whether it has item rows. */
    private record Stored(ObjectNode body, boolean hasItems) {}

    /** One write's transaction: its connection and the version of its last change. */
    private final class Tx {
        final Connection c;
        long version;

        Tx(Connection c, long version) {
            this.c = c;
            this.version = version;
        }

        Stored load(ResourceKind kind, String namespace, String name, boolean parse) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT body, has_items, rv FROM objects WHERE kind = ? AND namespace = ? AND name = ?")) {
                key(ps, kind, namespace, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    ObjectNode body = null;
                    if (parse) {
                        body = unreadable.parse(kind.name(), namespace, name, rs.getString(1));
                        ObjectReads.stampVersion(body, rs, 3);
                    }
                    return new Stored(body, rs.getBoolean(2));
                }
            }
        }

        void store(ResourceKind kind, String namespace, String name, ObjectNode obj, String type, boolean itemsOnly,
                   boolean hasItems) throws SQLException {
            long rv = version + 1;
            String body = checkedBody(kind, namespace, name, obj);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO objects (kind, namespace, name, rv, has_items, body) VALUES (?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (kind, namespace, name) DO UPDATE"
                            + " SET rv = excluded.rv, has_items = excluded.has_items, body = excluded.body")) {
                key(ps, kind, namespace, name);
                ps.setLong(4, rv);
                ps.setBoolean(5, hasItems);
                ps.setString(6, body);
                ps.executeUpdate();
            }
            appendChange(rv, type, kind, namespace, name, body, itemsOnly);
        }

        void appendChange(long rv, String type, ResourceKind kind, String namespace, String name, String body,
                          boolean itemsOnly) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO changes (rv, type, kind, namespace, name, items_only, body) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, rv);
                ps.setString(2, type);
                ps.setString(3, kind.name());
                ps.setString(4, namespace);
                ps.setString(5, name);
                ps.setBoolean(6, itemsOnly);
                ps.setString(7, body);
                ps.executeUpdate();
            }
            version = rv;
        }
    }

    @FunctionalInterface
    private interface TxWork<T> {
        T run(Tx tx) throws SQLException;
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    @Override
    public void meterWrites(io.micrometer.core.instrument.MeterRegistry registry) {
        writeTimers.register(registry);
    }

    private <T> T write(TxWork<T> work) {
        return writeTimers.time(() -> writeUntimed(work));
    }

    private <T> T writeUntimed(TxWork<T> work) {
        ensureOpen();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                long start;
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT rv FROM counter WHERE id = 0 FOR UPDATE")) {
                    rs.next();
                    start = rs.getLong(1);
                }
                if (term > 0) {
                    LeaderLease.checkTerm(c, term);
                }
                Tx tx = new Tx(c, start);
                T result = work.run(tx);
                if (tx.version != start) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE counter SET rv = ? WHERE id = 0")) {
                        ps.setLong(1, tx.version);
                        ps.executeUpdate();
                    }
                    long every = Math.max(1, Math.min(1000, retainedChanges)); // prune in steps, not per write
                    if (tx.version / every != start / every) {
                        try (PreparedStatement ps = c.prepareStatement("DELETE FROM changes WHERE rv <= ?")) {
                            ps.setLong(1, tx.version - retainedChanges);
                            ps.executeUpdate();
                        }
                    }
                    // Delivered at commit to every listening session, this node's feed included.
                    try (Statement st = c.createStatement()) {
                        st.execute("NOTIFY " + CHANNEL);
                    }
                }
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the original failure is the one worth reporting
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("store write failed: " + rootMessage(e), e);
        }
    }

    private <T> T read(SqlWork<T> work) {
        ensureOpen();
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("store read failed: " + rootMessage(e), e);
        }
    }

    private static void key(PreparedStatement ps, ResourceKind kind, String namespace, String name) throws SQLException {
        ps.setString(1, kind.name());
        ps.setString(2, namespace);
        ps.setString(3, name);
    }

    // ---- namespaces ----

    @Override
    public java.util.SortedMap<String, ObjectNode> namespaces() {
        return read(io.hoist.core.store.jdbc.NamespaceRows::all);
    }

    @Override
    public Optional<ObjectNode> namespace(String name) {
        return read(c -> io.hoist.core.store.jdbc.NamespaceRows.one(c, name));
    }

    // One statement each, committed on return (the pool's connections auto-commit): no resourceVersion, no event.
    @Override
    public boolean createNamespace(String name, ObjectNode metadata) {
        return read(c -> io.hoist.core.store.jdbc.NamespaceRows.insert(c, name, metadata));
    }

    @Override
    public void putNamespace(String name, ObjectNode metadata) {
        read(c -> {
            io.hoist.core.store.jdbc.NamespaceRows.upsert(c, name, metadata);
            return null;
        });
    }

    @Override
    public boolean deleteNamespace(String name) {
        return read(c -> io.hoist.core.store.jdbc.NamespaceRows.delete(c, name));
    }

    /** A pooled connection for the own statements of {@link LeaderLease}, {@link RunEpochs} and checkpoints. */
    Connection connection() throws SQLException {
        ensureOpen();
        return pool.getConnection();
    }

    // ---- watches ----

    @Override
    public Watch watch(ResourceKind kind, String namespace, long sinceVersion, Consumer<WatchEvent> listener) {
        return feed.add(new FeedWatch(kind, namespace, listener, true), sinceVersion);
    }

    @Override
    public Watch watchWithoutItems(ResourceKind kind, String namespace, long sinceVersion, Consumer<WatchEvent> listener) {
        return feed.add(new FeedWatch(kind, namespace, listener, false), sinceVersion);
    }

    /** One watcher: what it asked for and the version of the last change it was given. */
    private final class FeedWatch implements Watch {
        final ResourceKind kind;
        final String namespace;
        final Consumer<WatchEvent> listener;
        final boolean items;
        long after;
        volatile boolean open = true;

        FeedWatch(ResourceKind kind, String namespace, Consumer<WatchEvent> listener, boolean items) {
            this.kind = kind;
            this.namespace = namespace;
            this.listener = listener;
            this.items = items;
        }

        boolean matches(ResourceKind k, String ns) {
            return (kind == null || kind == k) && (namespace == null || namespace.equals(ns));
        }

        @Override
        public void close() {
            open = false;
            feed.remove(this);
        }
    }

    /** A body from the log, parsed once when first delivered (then shared: deliveries copy or share it read-only). */
    private static final class Known {
        private String json;
        private ObjectNode parsed;

        Known(String json) {
            this.json = json;
        }

        ObjectNode get() {
            if (parsed == null) {
                parsed = StoredObjects.parse(json);
                json = null;
            }
            return parsed;
        }
    }

    /** A change-log row. */
    private record Change(long rv, String type, ResourceKind kind, String namespace, String name, boolean itemsOnly,
                          String body) {}

    /**
     * Reads the change log in version order and hands each change to the watchers that asked for it. Woken by
     * NOTIFY on its own connection (reconnected with a back-off when PostgreSQL goes away) and every second anyway.
     */
    private final class ChangeFeed {
        private final Object lock = new Object();
        private final CopyOnWriteArrayList<FeedWatch> watches = new CopyOnWriteArrayList<>();
        private final Thread thread;
        /** The version of the last change handed to the watchers (guarded by {@link #lock}). */
        private long delivered;
        /** The last full body delivered of each object with an item list, for its items-only changes (guarded by {@link #lock}). */
        private final Map<String, Known> lastBodies = new HashMap<>();
        private Connection listen;

        ChangeFeed(long delivered) {
            this.delivered = delivered;
            this.thread = Thread.ofPlatform().daemon().name("hoist-store-feed").unstarted(this::run);
        }

        void start() {
            thread.start();
        }

        FeedWatch add(FeedWatch w, long since) {
            synchronized (lock) {
                ensureOpen();
                // Replay what this feed already delivered to others; later changes come with the next drain.
                if (since < delivered) {
                    Map<String, Known> replayed = new HashMap<>();
                    for (Change ch : changes(since, delivered, w.kind, w.namespace)) {
                        deliver(w, ch, known(ch, replayed));
                    }
                }
                w.after = Math.max(since, delivered);
                if (w.open) {
                    watches.add(w);
                }
            }
            return w;
        }

        void remove(FeedWatch w) {
            watches.remove(w);
        }

        private void run() {
            long backoffMs = 100;
            boolean reported = false;
            while (!closed) {
                try {
                    if (listen == null) {
                        listen = DriverManager.getConnection(location.jdbcUrl(), location.properties());
                        try (Statement st = listen.createStatement()) {
                            st.execute("LISTEN " + CHANNEL);
                        }
                        if (reported) {
                            LOG.info("store change feed reconnected to {}", location);
                            reported = false;
                        }
                        backoffMs = 100;
                    }
                    drain();
                    listen.unwrap(PGConnection.class).getNotifications(1000);
                } catch (SQLException | StoreException e) {
                    if (closed) {
                        return;
                    }
                    if (!reported) {
                        LOG.warn("store change feed lost PostgreSQL ({}); retrying, no change is lost", rootMessage(e));
                        reported = true;
                    }
                    closeListen();
                    try {
                        Thread.sleep(backoffMs);
                    } catch (InterruptedException ie) {
                        return;
                    }
                    backoffMs = Math.min(2000, backoffMs * 2);
                }
            }
            closeListen();
        }

        private void closeListen() {
            if (listen != null) {
                try {
                    listen.close();
                } catch (SQLException ignored) {
                    // a dead connection closes as well as it can
                }
                listen = null;
            }
        }

        /** Hands every change after {@link #delivered} to the watchers, in version order. */
        private void drain() throws SQLException {
            while (!closed) {
                List<Change> batch = changesAfter(delivered);
                if (batch.isEmpty()) {
                    return;
                }
                synchronized (lock) {
                    if (batch.get(0).rv() > delivered + 1) {
                        // Pruned before this feed read them: watchers cannot know what they missed, as Kubernetes
                        // answers 410 Gone; closing them makes their owners list again.
                        LOG.warn("store change feed fell behind the change log (next {} after {}); watchers restart",
                                batch.get(0).rv(), delivered);
                        for (FeedWatch w : watches) {
                            w.close();
                        }
                        lastBodies.clear(); // may miss full changes that were pruned unread
                    }
                    for (Change ch : batch) {
                        Known object = known(ch, lastBodies);
                        for (FeedWatch w : watches) {
                            if (w.matches(ch.kind(), ch.namespace())) {
                                deliver(w, ch, object);
                            }
                        }
                        delivered = ch.rv();
                    }
                }
                if (batch.size() < FEED_BATCH) {
                    return;
                }
            }
        }

        private void deliver(FeedWatch w, Change ch, Known object) {
            if (!w.open || ch.rv() <= w.after) {
                return;
            }
            w.after = ch.rv();
            if (object == null) {
                return; // an items-only change of an object deleted since: its DELETED event follows
            }
            ObjectNode o;
            try {
                ObjectNode stored = object.get();
                if (w.items && !"DELETED".equals(ch.type()) && ItemRows.hasList(ch.kind())) {
                    // Rows are read at delivery: they may already show later item writes, never fewer entries.
                    o = withList(ch.kind(), ch.namespace(), ch.name(), withVersion(stored, ch.rv()), null);
                } else if (ch.body().isEmpty()) {
                    // An items-only event shares the unchanged spec and status (listeners only read them): copying
                    // a big plan per status batch is what items-only writes avoid.
                    o = withVersion(stored, ch.rv());
                } else {
                    o = stored.deepCopy();
                }
            } catch (StoreException e) {
                LOG.warn("change {} in the watch log cannot be read and is not delivered: {}", ch.rv(), e.getMessage());
                return;
            }
            try {
                w.listener.accept(new WatchEvent(ch.type(), ch.kind(), o, ch.rv(), ch.itemsOnly()));
            } catch (RuntimeException e) {
                LOG.warn("a store watcher failed and is closed: {}", rootMessage(e));
                w.close();
            }
        }

        /**
         * The object a change carries. An items-only change (empty body) carries its object's previous body: the last
         * one {@code known} holds, else its previous full change in the log, else (that change pruned) its stored
         * body; null when the object is gone. {@code known} keeps the last full body of each object with an item list.
         */
        private Known known(Change ch, Map<String, Known> known) {
            String key = objectKey(ch.kind(), ch.namespace(), ch.name());
            if (!ch.body().isEmpty()) {
                Known k = new Known(ch.body());
                if ("DELETED".equals(ch.type())) {
                    known.remove(key);
                } else if (ItemRows.hasList(ch.kind())) {
                    known.put(key, k);
                }
                return k;
            }
            Known k = known.get(key);
            if (k == null) {
                k = read(c -> previousBody(c, ch));
                if (k != null) {
                    known.put(key, k);
                }
            }
            return k;
        }

        private Known previousBody(Connection c, Change ch) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT body FROM changes WHERE kind = ? AND namespace = ?"
                    + " AND name = ? AND rv < ? AND body <> '' ORDER BY rv DESC LIMIT 1")) {
                key(ps, ch.kind(), ch.namespace(), ch.name());
                ps.setLong(4, ch.rv());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return new Known(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT body FROM objects WHERE kind = ? AND namespace = ? AND name = ?")) {
                key(ps, ch.kind(), ch.namespace(), ch.name());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Known(rs.getString(1)) : null;
                }
            }
        }

        private List<Change> changesAfter(long after) {
            return read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT rv, type, kind, namespace, name, items_only, body"
                        + " FROM changes WHERE rv > ? ORDER BY rv LIMIT " + FEED_BATCH)) {
                    ps.setLong(1, after);
                    return rows(ps);
                }
            });
        }

        private List<Change> changes(long after, long upTo, ResourceKind kind, String namespace) {
            return read(c -> {
                String sql = "SELECT rv, type, kind, namespace, name, items_only, body FROM changes WHERE rv > ? AND rv <= ?"
                        + (kind == null ? "" : " AND kind = ?") + (namespace == null ? "" : " AND namespace = ?")
                        + " ORDER BY rv";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = 1;
                    ps.setLong(i++, after);
                    ps.setLong(i++, upTo);
                    if (kind != null) {
                        ps.setString(i++, kind.name());
                    }
                    if (namespace != null) {
                        ps.setString(i, namespace);
                    }
                    return rows(ps);
                }
            });
        }

        private List<Change> rows(PreparedStatement ps) throws SQLException {
            List<Change> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.add(new Change(rs.getLong(1), rs.getString(2), ResourceKind.valueOf(rs.getString(3)),
                                rs.getString(4), rs.getString(5), rs.getBoolean(6), rs.getString(7)));
                    } catch (IllegalArgumentException e) {
                        LOG.warn("change {} in the watch log names an unknown kind and is skipped", rs.getLong(1));
                    }
                }
            }
            return out;
        }

        void stop() {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void ensureOpen() {
        if (owner.closed) {
            throw new StoreException("store is closed");
        }
    }

    @Override
    public void close() {
        if (owner != this || closed) {
            return; // a fenced view closes nothing: the store that opened the pool does
        }
        closed = true;
        feed.watches.forEach(w -> w.open = false);
        feed.watches.clear();
        feed.stop();
        pool.close();
    }
}
