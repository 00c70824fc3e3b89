package io.hoist.core.store.sqlite;

import static io.hoist.core.store.jdbc.StoredObjects.checkVersion;
import static io.hoist.core.store.jdbc.StoredObjects.checkedBody;
import static io.hoist.core.store.jdbc.StoredObjects.identity;
import static io.hoist.core.store.jdbc.StoredObjects.metadata;
import static io.hoist.core.store.jdbc.StoredObjects.ns;
import static io.hoist.core.store.jdbc.StoredObjects.parse;
import static io.hoist.core.store.jdbc.StoredObjects.objectKey;
import static io.hoist.core.store.jdbc.StoredObjects.requireName;
import static io.hoist.core.store.jdbc.StoredObjects.serialize;
import static io.hoist.core.store.jdbc.StoredObjects.text;
import static io.hoist.core.store.jdbc.StoredObjects.withVersion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import io.hoist.core.store.jdbc.ItemRows;
import io.hoist.core.store.jdbc.ObjectReads;
import io.hoist.core.store.jdbc.StoredObjects;
import io.hoist.core.store.jdbc.UnreadableRows;
import io.hoist.core.store.jdbc.WriteTimers;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link ResourceStore} on one SQLite file in WAL mode with {@code synchronous=FULL}: a write is
 * acknowledged only after its transaction is fsynced, so a {@code kill -9} loses no acknowledged
 * write and never leaves half an object (SQLite commits are atomic).
 *
 * <p>All writes go through one connection under one lock (SQLite allows one writer anyway; doing it
 * in-process avoids SQLITE_BUSY retries). Reads use a small pool of read connections, which WAL lets
 * run concurrently with the writer. Every write appends a row to {@code changes}, whose primary key
 * is the store-wide resourceVersion; watches replay from it and then receive live events.
 *
 * <p>The store never accepts what it cannot read back: a write larger than {@link #MAX_OBJECT_BYTES} is refused
 * ({@link StoreException.TooLarge}), and every body is parsed again with the reader's own limits before it is
 * stored ({@link StoreException.NotReadable}). Rows that still cannot be read (left by an older version) are
 * found at open, reported by {@link #unreadable()} and in the log, skipped by lists and watches, and can be
 * deleted: one bad row never stops the store, the API or the engine.
 */
public final class SqliteResourceStore implements ResourceStore {
    /** The file name inside the data directory. */
    public static final String DB_FILE = "hoist.db";
    /** Change-log rows kept for watch replay; older ones are pruned. */
    static final long DEFAULT_RETAINED_CHANGES = 100_000;
    private static final int READERS = 4;
    private static final Logger LOG = Logger.getLogger(SqliteResourceStore.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final long retainedChanges;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Connection writer;
    private final BlockingQueue<Connection> readers;
    private final List<Connection> allReaders = new ArrayList<>();
    private final CopyOnWriteArrayList<WatchImpl> watches = new CopyOnWriteArrayList<>();
    /** The objects that have item rows ({@link ItemRows}): only their reads and events assemble a list. */
    private final java.util.Set<String> withItems = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final UnreadableRows unreadable = new UnreadableRows();
    private long version;
    /** {@link #version} as of the last commit, readable without the lock. */
    private volatile long committedVersion;
    private volatile boolean closed;
    /** Write latency as callers see it (queue, group commit, fsync). */
    private final WriteTimers writeTimers = new WriteTimers();

    private SqliteResourceStore(Path file, long retainedChanges) throws SQLException {
        this.url = "jdbc:sqlite:" + file.toAbsolutePath();
        this.retainedChanges = retainedChanges;
        this.writer = DriverManager.getConnection(url);
        try (Statement st = writer.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=FULL");
            st.execute("PRAGMA busy_timeout=10000");
            st.execute("CREATE TABLE IF NOT EXISTS objects ("
                    + "kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,"
                    + " rv INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, namespace, name))");
            st.execute("CREATE TABLE IF NOT EXISTS changes ("
                    + "rv INTEGER PRIMARY KEY, type TEXT NOT NULL, kind TEXT NOT NULL,"
                    + " namespace TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL)");
            // The counter survives even when the change log is pruned to nothing.
            st.execute("CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 0), rv INTEGER NOT NULL)");
            st.execute("INSERT OR IGNORE INTO counter (id, rv) VALUES (0, 0)");
            st.execute(ItemRows.CREATE_TABLE);
            st.execute(ItemRows.CREATE_INDEX);
            st.execute(io.hoist.core.store.jdbc.NamespaceRows.CREATE_TABLE);
            try (ResultSet rs = st.executeQuery("SELECT DISTINCT kind, namespace, name FROM items")) {
                while (rs.next()) {
                    withItems.add(objectKey(ResourceKind.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3)));
                }
            }
        }
        writer.setAutoCommit(false);
        writer.commit();
        try (Statement st = writer.createStatement(); ResultSet rs = st.executeQuery("SELECT rv FROM counter WHERE id = 0")) {
            rs.next();
            version = rs.getLong(1);
            committedVersion = version;
        }
        unreadable.scan(writer);
        writer.commit();
        readers = new ArrayBlockingQueue<>(READERS);
        for (int i = 0; i < READERS; i++) {
            Connection c = DriverManager.getConnection(url);
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout=10000");
            }
            allReaders.add(c);
            readers.add(c);
        }
    }

    /** Opens (creating if needed) the store in {@code dataDir}, made private to the user (0700). */
    public static SqliteResourceStore open(Path dataDir) {
        return open(dataDir, DEFAULT_RETAINED_CHANGES);
    }

    /** As {@link #open(Path)}, keeping only the last {@code retainedChanges} changes for watch replay. */
    public static SqliteResourceStore open(Path dataDir, long retainedChanges) {
        try {
            if (!Files.isDirectory(dataDir)) {
                Files.createDirectories(dataDir);
                restrictToOwner(dataDir, "rwx------");
            }
            Path file = dataDir.resolve(DB_FILE);
            if (!Files.exists(file)) {
                Files.createFile(file);
                restrictToOwner(file, "rw-------");
            }
            return new SqliteResourceStore(file, retainedChanges);
        } catch (IOException | SQLException e) {
            throw new StoreException("cannot open store in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static void restrictToOwner(Path p, String perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException notPosix) {
            // Non-POSIX file systems keep their default ACLs.
        }
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
        return read(c -> ObjectReads.one(c, "SELECT body, rv FROM objects WHERE kind = ? AND namespace = ? AND name = ?",
                unreadable, kind, ns(namespace), name, items, (row, n, m) -> withItems.contains(objectKey(kind, n, m)), 2));
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
        String sql = "SELECT body, namespace, name, rv FROM objects WHERE kind = ?"
                + (namespace == null ? "" : " AND namespace = ?") + " ORDER BY namespace, name";
        return read(c -> ObjectReads.all(c, sql, unreadable, kind, namespace, items,
                (row, n, m) -> withItems.contains(objectKey(kind, n, m)), 4));
    }

    @Override
    public long currentVersion() {
        // not under the write lock: a list must not queue behind commits and their watch deliveries (200 slow
        // watchers once made a list wait 27 s)
        return committedVersion;
    }

    // ---- writes ----

    @Override
    public ObjectNode create(ResourceKind kind, ObjectNode object) {
        ObjectNode obj = object.deepCopy();
        ObjectNode meta = metadata(obj);
        String namespace = ns(text(meta, "namespace"));
        String name = requireName(meta);
        ArrayNode items = ItemRows.detach(kind, obj);
        ObjectNode created = writeWithItems(kind, namespace, name, items, () -> {
            if (exists(kind, namespace, name)) {
                throw new StoreException.AlreadyExists(kind.plural() + " \"" + name + "\" already exists");
            }
            long rv = version + 1;
            StoredObjects.stampCreated(kind, obj, namespace, rv);
            if (items != null) {
                ItemRows.replaceAll(writer, kind, namespace, name, items);
                withItems.add(objectKey(kind, namespace, name));
            }
            store(kind, namespace, name, rv, obj, "ADDED");
            return obj;
        });
        return withList(kind, namespace, name, created, items);
    }

    @Override
    public ObjectNode update(ResourceKind kind, ObjectNode object) {
        return replace(kind, object, false);
    }

    @Override
    public ObjectNode updateStatus(ResourceKind kind, ObjectNode object) {
        return replace(kind, object, true, true);
    }

    @Override
    public ObjectNode updateStatusWithoutItems(ResourceKind kind, ObjectNode object) {
        return replace(kind, object, true, false);
    }

    private ObjectNode replace(ResourceKind kind, ObjectNode incoming, boolean statusOnly) {
        return replace(kind, incoming, statusOnly, true);
    }

    private ObjectNode replace(ResourceKind kind, ObjectNode incoming, boolean statusOnly, boolean withItemsBack) {
        ObjectNode in = incoming.deepCopy();
        ObjectNode inMeta = metadata(in);
        String namespace = ns(text(inMeta, "namespace"));
        String name = requireName(inMeta);
        String expectedRv = text(inMeta, "resourceVersion");
        // Only a status write carries the item list (an update keeps the stored status, rows included).
        ArrayNode items = statusOnly ? ItemRows.detach(kind, in) : null;
        ObjectNode written = writeWithItems(kind, namespace, name, items, () -> {
            ObjectNode existing = load(kind, namespace, name);
            if (existing == null) {
                throw new StoreException.NotFound(kind.plural() + " \"" + name + "\" not found");
            }
            checkVersion(kind, name, existing, expectedRv);
            long rv = version + 1;
            ObjectNode result = StoredObjects.replaced(kind, existing, in, statusOnly, namespace, rv);
            if (items != null) {
                ItemRows.replaceAll(writer, kind, namespace, name, items);
                withItems.add(objectKey(kind, namespace, name));
            }
            store(kind, namespace, name, rv, result, "MODIFIED");
            return result;
        });
        if (!withItemsBack) {
            return written;
        }
        return withList(kind, namespace, name, written, items);
    }

    /**
     * A write that may give an object item rows: the object counts as having rows from inside the write (its events
     * are delivered before the write returns) and no longer when the write failed.
     */
    private <T> T writeWithItems(ResourceKind kind, String namespace, String name, ArrayNode items, WriteWork<T> work) {
        String key = objectKey(kind, namespace, name);
        boolean had = withItems.contains(key);
        try {
            return write(work);
        } catch (RuntimeException e) {
            if (items != null && !had) {
                withItems.remove(key);
            }
            throw e;
        }
    }

    /** A written object as callers see it: with its item list (the one just written, or read back after the write). */
    private ObjectNode withList(ResourceKind kind, String namespace, String name, ObjectNode written, ArrayNode items) {
        if (items != null) {
            ObjectNode out = written.deepCopy();
            ItemRows.put(out, ResourceStore.itemListPath(kind), items);
            return out;
        }
        if (withItems.contains(objectKey(kind, namespace, name))) {
            ObjectNode out = written.deepCopy();
            read(c -> {
                ItemRows.attach(c, kind, namespace, name, out);
                return null;
            });
            return out;
        }
        return written;
    }

    // ---- item lists ----

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
        String key = objectKey(kind, n, name);
        boolean had = withItems.contains(key);
        try {
            return write(() -> {
                ObjectNode body = itemBodies.get(key);
                if (body == null) {
                    body = load(kind, n, name);
                    if (body == null) {
                        throw new StoreException.NotFound(kind.plural() + " \"" + name + "\" not found");
                    }
                    itemBodies.put(key, body);
                }
                for (SerializedItem item : items) {
                    ItemRows.upsert(writer, kind, n, name, item.id(), item.json());
                }
                withItems.add(key);
                long rv = version + 1;
                // Only the version moves: the body (a 20,000-VM plan's spec lists every VM) is neither parsed, nor
                // written again, nor copied into the change log; reads take the version from the rv column.
                try (PreparedStatement ps = writer.prepareStatement(
                        "UPDATE objects SET rv = ? WHERE kind = ? AND namespace = ? AND name = ?")) {
                    ps.setLong(1, rv);
                    ps.setString(2, kind.name());
                    ps.setString(3, n);
                    ps.setString(4, name);
                    ps.executeUpdate();
                }
                appendChange(rv, "MODIFIED", kind, n, name, withVersion(body, rv), ITEMS_ONLY_BODY, true);
                return Long.toString(rv);
            });
        } catch (RuntimeException e) {
            if (!had) {
                withItems.remove(key);
            }
            throw e;
        }
    }

    @Override
    public Optional<ObjectNode> delete(ResourceKind kind, String namespace, String name) {
        String n = ns(namespace);
        return write(() -> {
            if (!exists(kind, n, name)) {
                return Optional.<ObjectNode>empty();
            }
            ObjectNode existing;
            try {
                existing = load(kind, n, name);
            } catch (StoreException.Unreadable e) {
                existing = identity(kind, n, name);
            }
            if (withItems.remove(objectKey(kind, n, name))) {
                // The DELETED event carries the whole final state, list included.
                ItemRows.attach(writer, kind, n, name, existing);
                ItemRows.deleteAll(writer, kind, n, name);
            }
            long rv = version + 1;
            try (PreparedStatement ps = writer.prepareStatement(
                    "DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?")) {
                ps.setString(1, kind.name());
                ps.setString(2, n);
                ps.setString(3, name);
                ps.executeUpdate();
            }
            // Like Kubernetes, the DELETED event carries the final state at the deletion's version.
            ((ObjectNode) existing.get("metadata")).put("resourceVersion", Long.toString(rv));
            // no size check: what was stored (even an oversized object from an older version) can always be deleted
            appendChange(rv, "DELETED", kind, n, name, existing, serialize(existing));
            unreadable.forget(kind.name(), n, name);
            return Optional.of(existing);
        });
    }

    // ---- watches ----

    @Override
    public Watch watch(ResourceKind kind, String namespace, long sinceVersion, Consumer<WatchEvent> listener) {
        return watch(kind, namespace, sinceVersion, listener, true);
    }

    @Override
    public Watch watchWithoutItems(ResourceKind kind, String namespace, long sinceVersion, Consumer<WatchEvent> listener) {
        return watch(kind, namespace, sinceVersion, listener, false);
    }

    private Watch watch(ResourceKind kind, String namespace, long sinceVersion, Consumer<WatchEvent> listener, boolean items) {
        WatchImpl w = new WatchImpl(kind, namespace, listener, items);
        // Under the write lock no write can slip between the replay and the registration.
        writeLock.lock();
        try {
            ensureOpen();
            for (WatchEvent e : replay(kind, namespace, sinceVersion)) {
                w.deliver(e);
            }
            if (w.open) { // a listener that failed during replay is already closed
                watches.add(w);
            }
        } finally {
            writeLock.unlock();
        }
        return w;
    }

    @Override
    public long oldestReplayableVersion() {
        return read(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT MIN(rv) FROM changes")) {
                long min = rs.next() ? rs.getLong(1) : 0;
                return min == 0 ? currentVersion() + 1 : min;
            }
        });
    }

    private List<WatchEvent> replay(ResourceKind kind, String namespace, long since) {
        List<WatchEvent> out = new ArrayList<>();
        String sql = "SELECT rv, type, kind, body, namespace, name FROM changes WHERE rv > ?"
                + (kind == null ? "" : " AND kind = ?")
                + (namespace == null ? "" : " AND namespace = ?") + " ORDER BY rv";
        try (PreparedStatement ps = writer.prepareStatement(sql)) {
            int i = 1;
            ps.setLong(i++, since);
            if (kind != null) {
                ps.setString(i++, kind.name());
            }
            if (namespace != null) {
                ps.setString(i, namespace);
            }
            java.util.Map<String, ObjectNode> lastBody = new java.util.HashMap<>();
            java.util.Map<WatchEvent, String[]> unresolved = new java.util.IdentityHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        ResourceKind k = ResourceKind.valueOf(rs.getString(3));
                        String key = objectKey(k, rs.getString(5), rs.getString(6));
                        String body = rs.getString(4);
                        if (ITEMS_ONLY_BODY.equals(body)) {
                            // the body of the object's previous change, or (that change pruned) its stored body
                            ObjectNode before = lastBody.get(key);
                            WatchEvent e = new WatchEvent(rs.getString(2), k,
                                    before == null ? null : withVersion(before, rs.getLong(1)), rs.getLong(1), true);
                            if (before == null) {
                                unresolved.put(e, new String[] {rs.getString(5), rs.getString(6)});
                            }
                            out.add(e);
                            continue;
                        }
                        ObjectNode o = parse(body);
                        lastBody.put(key, o);
                        out.add(new WatchEvent(rs.getString(2), k, o, rs.getLong(1)));
                    } catch (IllegalArgumentException | StoreException e) {
                        LOG.warning("change " + rs.getLong(1) + " in the watch log cannot be read and is not replayed: "
                                + e.getMessage());
                    }
                }
            }
            if (!unresolved.isEmpty()) {
                // after the result set is closed (one open statement's rows at a time on a connection)
                java.util.ListIterator<WatchEvent> it = out.listIterator();
                while (it.hasNext()) {
                    WatchEvent e = it.next();
                    String[] key = unresolved.get(e);
                    if (key == null) {
                        continue;
                    }
                    ObjectNode stored;
                    try {
                        stored = load(e.kind(), key[0], key[1]);
                    } catch (StoreException unreadableNow) {
                        stored = null; // recorded as unreadable; lists and watches skip it
                    }
                    if (stored == null) {
                        it.remove(); // deleted since: its DELETED event follows with the final state
                    } else {
                        it.set(new WatchEvent(e.type(), e.kind(), withVersion(stored, e.resourceVersion()),
                                e.resourceVersion(), true));
                    }
                }
            }
            writer.commit();
        } catch (SQLException e) {
            throw new StoreException("watch replay failed: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * A watch. Events are delivered on the writing thread, except that a watch with item lists hands an event whose
     * object has item rows (and every later one, to keep the order) to a virtual thread of its own, which reads the
     * rows: assembling thousands of VM entries must not happen under the write lock.
     */
    private final class WatchImpl implements Watch {
        final ResourceKind kind;
        final String namespace;
        final Consumer<WatchEvent> listener;
        final boolean items;
        volatile boolean open = true;
        private final java.util.ArrayDeque<WatchEvent> backlog = new java.util.ArrayDeque<>();
        private boolean draining;

        WatchImpl(ResourceKind kind, String namespace, Consumer<WatchEvent> listener, boolean items) {
            this.kind = kind;
            this.namespace = namespace;
            this.listener = listener;
            this.items = items;
        }

        private boolean needsItems(WatchEvent e) {
            return items && !"DELETED".equals(e.type()) && withItems.contains(objectKey(e.kind(),
                    e.object().path("metadata").path("namespace").asText(), e.object().path("metadata").path("name").asText()));
        }

        boolean matches(WatchEvent e) {
            return (kind == null || kind == e.kind())
                    && (namespace == null || namespace.equals(e.object().path("metadata").path("namespace").asText()));
        }

        void deliver(WatchEvent e) {
            if (!open || !matches(e)) {
                return;
            }
            synchronized (this) {
                if (draining || needsItems(e)) {
                    backlog.add(e);
                    if (!draining) {
                        draining = true;
                        Thread.ofVirtual().name("hoist-store-watch").start(this::drain);
                    }
                    return;
                }
            }
            // An items-only event's body is the stored one, unchanged: copying a 5,000-VM plan's spec for each status
            // batch, under the write lock, was the last cost of a status write that grew with the plan.
            call(e, e.itemsOnly() ? withVersion(e.object(), e.resourceVersion()) : e.object().deepCopy());
        }

        private void drain() {
            while (true) {
                WatchEvent e;
                synchronized (this) {
                    e = backlog.poll();
                    if (e == null || !open) {
                        backlog.clear();
                        draining = false;
                        return;
                    }
                    if (e.itemsOnly() && supersededInBacklog(e)) {
                        // Coalesced: a later event of the same object is queued, and the rows are read at delivery,
                        // so it shows this change too. A 5,000-VM plan's entries are assembled once per delivery,
                        // not once per status batch the watcher fell behind on.
                        continue;
                    }
                }
                ObjectNode o = e.object().deepCopy();
                if (needsItems(e)) {
                    String ns = o.path("metadata").path("namespace").asText();
                    String name = o.path("metadata").path("name").asText();
                    try {
                        read(c -> {
                            ItemRows.attach(c, e.kind(), ns, name, o);
                            return null;
                        });
                    } catch (StoreException closed) {
                        close();
                        continue;
                    }
                }
                call(e, o);
            }
        }

        private boolean supersededInBacklog(WatchEvent e) {
            for (WatchEvent later : backlog) {
                if (later.kind() == e.kind() && sameObject(later.object(), e.object())) {
                    return true;
                }
            }
            return false;
        }

        private static boolean sameObject(ObjectNode a, ObjectNode b) {
            return a.path("metadata").path("name").asText().equals(b.path("metadata").path("name").asText())
                    && a.path("metadata").path("namespace").asText().equals(b.path("metadata").path("namespace").asText());
        }

        private void call(WatchEvent e, ObjectNode object) {
            try {
                listener.accept(new WatchEvent(e.type(), e.kind(), object, e.resourceVersion(), e.itemsOnly()));
            } catch (RuntimeException ex) {
                // A broken listener must not fail the write that notified it; it just stops watching.
                LOG.log(Level.WARNING, "watch listener failed; closing the watch", ex);
                close();
            }
        }

        @Override
        public void close() {
            open = false;
            watches.remove(this);
        }
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

    @Override
    public boolean createNamespace(String name, ObjectNode metadata) {
        return write(() -> io.hoist.core.store.jdbc.NamespaceRows.insert(writer, name, metadata));
    }

    @Override
    public void putNamespace(String name, ObjectNode metadata) {
        write(() -> {
            io.hoist.core.store.jdbc.NamespaceRows.upsert(writer, name, metadata);
            return null;
        });
    }

    @Override
    public boolean deleteNamespace(String name) {
        return write(() -> io.hoist.core.store.jdbc.NamespaceRows.delete(writer, name));
    }

    // ---- internals ----

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface WriteWork<T> {
        T run() throws SQLException;
    }

    private <T> T read(SqlWork<T> work) {
        ensureOpen();
        Connection c;
        try {
            c = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a read connection", e);
        }
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("store read failed: " + e.getMessage(), e);
        } finally {
            readers.add(c);
        }
    }

    private List<WatchEvent> pending = new ArrayList<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<QueuedWrite<?>> queue =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final int MAX_BATCH = 256;

    /** One caller's write, waiting for a commit. */
    private static final class QueuedWrite<T> {
        final WriteWork<T> work;
        boolean done;
        T result;
        RuntimeException failure;

        QueuedWrite(WriteWork<T> work) {
            this.work = work;
        }
    }

    /**
     * Group commit: a writer queues its work, then whoever holds the write lock runs every queued write
     * in one transaction (each in its own savepoint, so one failure does not spoil the others) and
     * commits once. Writers that arrived during an fsync share the next one instead of each paying it.
     * Each write is still acknowledged only after the commit that contains it.
     */
    @Override
    public void meterWrites(MeterRegistry registry) {
        writeTimers.register(registry);
    }

    private <T> T write(WriteWork<T> work) {
        return writeTimers.time(() -> writeUntimed(work));
    }

    private <T> T writeUntimed(WriteWork<T> work) {
        QueuedWrite<T> mine = new QueuedWrite<>(work);
        queue.add(mine);
        writeLock.lock();
        try {
            if (!mine.done) {
                ensureOpen();
                commitBatch();
            }
        } finally {
            writeLock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    private void commitBatch() {
        List<QueuedWrite<?>> batch = new ArrayList<>();
        QueuedWrite<?> q;
        while (batch.size() < MAX_BATCH && (q = queue.poll()) != null) {
            batch.add(q);
        }
        long batchStart = version;
        try {
            for (QueuedWrite<?> w : batch) {
                runInSavepoint(w);
            }
            if (version != batchStart) {
                try (PreparedStatement ps = writer.prepareStatement("UPDATE counter SET rv = ? WHERE id = 0")) {
                    ps.setLong(1, version);
                    ps.executeUpdate();
                }
                long every = Math.max(1, Math.min(1000, retainedChanges)); // prune in steps, not per write
                if (version / every != batchStart / every) {
                    prune();
                }
            }
            writer.commit(); // durable on return: synchronous=FULL fsyncs the WAL
            committedVersion = version;
        } catch (SQLException | RuntimeException e) {
            version = batchStart;
            pending.clear();
            itemBodies.clear();
            rollbackQuietly();
            StoreException failure = new StoreException("store write failed: " + e.getMessage(), e);
            for (QueuedWrite<?> w : batch) {
                if (w.failure == null) {
                    w.failure = failure;
                }
                w.result = null;
                w.done = true;
            }
            return;
        }
        for (QueuedWrite<?> w : batch) {
            w.done = true;
        }
        List<WatchEvent> events = pending;
        pending = new ArrayList<>();
        for (WatchEvent e : events) {
            for (WatchImpl w : watches) {
                w.deliver(e);
            }
        }
    }

    private <T> void runInSavepoint(QueuedWrite<T> w) throws SQLException {
        long before = version;
        int eventsBefore = pending.size();
        try (Statement st = writer.createStatement()) {
            st.execute("SAVEPOINT write");
        }
        try {
            w.result = w.work.run();
            try (Statement st = writer.createStatement()) {
                st.execute("RELEASE write");
            }
        } catch (SQLException | RuntimeException e) {
            try (Statement st = writer.createStatement()) {
                st.execute("ROLLBACK TO write");
                st.execute("RELEASE write");
            }
            version = before;
            pending.subList(eventsBefore, pending.size()).clear();
            itemBodies.clear();
            w.failure = e instanceof RuntimeException re ? re
                    : new StoreException("store write failed: " + e.getMessage(), e);
        }
    }

    private void rollbackQuietly() {
        try {
            writer.rollback();
        } catch (SQLException ignored) {
            // The original failure is the one worth reporting.
        }
    }

    private void prune() throws SQLException {
        try (PreparedStatement ps = writer.prepareStatement("DELETE FROM changes WHERE rv <= ?")) {
            ps.setLong(1, version - retainedChanges);
            ps.executeUpdate();
        }
    }

    private ObjectNode load(ResourceKind kind, String namespace, String name) throws SQLException {
        return byKey("body, rv", kind, namespace, name, rs -> {
            if (!rs.next()) {
                return null;
            }
            ObjectNode body = unreadable.parse(kind.name(), namespace, name, rs.getString(1));
            ObjectReads.stampVersion(body, rs, 2);
            return body;
        });
    }

    /**
     * A change-log body meaning "items only": the object's body is the one of its previous change (an items-only write
     * does not change it), so the log does not hold a copy of a big plan per status batch.
     */
    private static final String ITEMS_ONLY_BODY = "";

    /**
     * The body of each object an items-only write touched, as last stored (never modified; events share its subtrees),
     * so the next such write neither reads nor parses it. Used under the write lock only; cleared when a transaction
     * rolls back (it may hold a body that was not committed).
     */
    private final java.util.Map<String, ObjectNode> itemBodies = new java.util.HashMap<>();


    private boolean exists(ResourceKind kind, String namespace, String name) throws SQLException {
        return byKey("1", kind, namespace, name, ResultSet::next);
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Selects {@code column} of one object on the writer connection (inside the current write). */
    private <T> T byKey(String column, ResourceKind kind, String namespace, String name, RowReader<T> reader)
            throws SQLException {
        try (PreparedStatement ps = writer.prepareStatement(
                "SELECT " + column + " FROM objects WHERE kind = ? AND namespace = ? AND name = ?")) {
            ps.setString(1, kind.name());
            ps.setString(2, namespace);
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        }
    }

    private void store(ResourceKind kind, String namespace, String name, long rv, ObjectNode obj, String type)
            throws SQLException {
        store(kind, namespace, name, rv, obj, type, false);
    }

    private void store(ResourceKind kind, String namespace, String name, long rv, ObjectNode obj, String type,
                       boolean itemsOnly) throws SQLException {
        String body = checkedBody(kind, namespace, name, obj);
        try (PreparedStatement ps = writer.prepareStatement(
                "INSERT OR REPLACE INTO objects (kind, namespace, name, rv, body) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, kind.name());
            ps.setString(2, namespace);
            ps.setString(3, name);
            ps.setLong(4, rv);
            ps.setString(5, body);
            ps.executeUpdate();
        }
        appendChange(rv, type, kind, namespace, name, obj, body, itemsOnly);
    }

    private void appendChange(long rv, String type, ResourceKind kind, String namespace, String name, ObjectNode obj,
                              String body) throws SQLException {
        appendChange(rv, type, kind, namespace, name, obj, body, false);
    }

    private void appendChange(long rv, String type, ResourceKind kind, String namespace, String name, ObjectNode obj,
                              String body, boolean itemsOnly) throws SQLException {
        try (PreparedStatement ps = writer.prepareStatement(
                "INSERT INTO changes (rv, type, kind, namespace, name, body) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, rv);
            ps.setString(2, type);
            ps.setString(3, kind.name());
            ps.setString(4, namespace);
            ps.setString(5, name);
            ps.setString(6, body);
            ps.executeUpdate();
        }
        version = rv;
        if (itemsOnly) {
            pending.add(new WatchEvent(type, kind, obj, rv, true)); // obj is already the event's own shallow copy
            return;
        }
        ObjectNode copy = obj.deepCopy();
        pending.add(new WatchEvent(type, kind, copy, rv, false));
        String key = objectKey(kind, namespace, name);
        if ("DELETED".equals(type)) {
            itemBodies.remove(key);
        } else if (itemBodies.containsKey(key)) {
            itemBodies.put(key, copy); // events are copied for each listener, so this one stays as stored
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("store is closed");
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            watches.forEach(w -> w.open = false);
            watches.clear();
            for (Connection c : allReaders) {
                closeQuietly(c);
            }
            closeQuietly(writer);
        } finally {
            writeLock.unlock();
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Closing is best effort; the WAL is already durable.
        }
    }
}
