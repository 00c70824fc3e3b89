package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.http.ApiException;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespaces that exist, kept in {@code DATA/namespaces.json} (written atomically): {@code default} (always),
 * {@link #FROM_THE_START} on a new data dir, those created through the API ({@code kubectl create namespace},
 * {@code hoist create namespace}, a {@code kind: Namespace} manifest) and those adopted at start.
 *
 * <p>A write of a namespaced object into a namespace that does not exist is refused with the API server's
 * {@code 404 namespaces "x" not found} ({@link #writeIn}). Data dirs written before Hoist checked this may hold
 * objects in namespaces nobody created: {@link #open} adopts those namespaces, so nothing stored becomes
 * unreachable. A namespace that still holds objects is not deleted: Hoist keeps migration history, and a delete
 * that cascaded to plans would erase it. Its Events (the platform's notes, kept 24 h) do not hold it: they go with it.
 */
public final class NamespaceRegistry {
    static final String FILE = "namespaces.json";
    /** Where MTV lives on OpenShift, and where its docs put the {@code host} provider and ForkliftController. */
    static final List<String> FROM_THE_START = List.of("openshift-mtv");
    static final String ADOPTED = "hoist.io/adopted";
    private static final String DEFAULT = "default";
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResourceStore store;
    private final Path file;
    /** Object writes hold the read lock from their namespace check to their store write; a namespace delete the write lock. */
    private final ReadWriteLock writes = new ReentrantReadWriteLock();
    private final Object fileLock = new Object();
    private Map<String, ObjectNode> explicit; // guarded by fileLock; the file's content

    private NamespaceRegistry(ResourceStore store, Path dataDir) {
        this.store = store;
        this.file = dataDir.resolve(FILE);
    }

    /**
     * Reads {@code DATA/namespaces.json} (made with {@link #FROM_THE_START} when absent) and adopts every namespace
     * that holds a stored object but was never created, with an annotation saying so; {@code ensured} are created
     * when missing ({@code HoistServer.Builder.namespaces}).
     */
    public static NamespaceRegistry open(ResourceStore store, Path dataDir, List<String> ensured) {
        NamespaceRegistry r = new NamespaceRegistry(store, dataDir);
        synchronized (r.fileLock) {
            boolean fresh = !Files.exists(r.file);
            Map<String, ObjectNode> known = r.read();
            if (fresh) {
                FROM_THE_START.forEach(ns -> known.put(ns, meta(null)));
            }
            boolean added = false;
            for (String ns : ensured) {
                if (!ns.equals(DEFAULT) && !known.containsKey(ns)) {
                    known.put(ns, meta(null));
                    added = true;
                }
            }
            List<String> adopted = new java.util.ArrayList<>();
            for (ResourceKind k : ResourceKind.values()) {
                for (ObjectNode o : store.listWithoutItems(k, null)) {
                    String ns = o.path("metadata").path("namespace").asText("");
                    if (!ns.isEmpty() && !ns.equals(DEFAULT) && !known.containsKey(ns)) {
                        ObjectNode meta = meta(null);
                        meta.putObject("annotations").put(ADOPTED,
                                "held objects before Hoist checked that namespaces exist");
                        known.put(ns, meta);
                        adopted.add(ns);
                    }
                }
            }
            if (fresh || added || !adopted.isEmpty()) {
                r.write(known);
            }
            if (!adopted.isEmpty()) {
                LOG.info("adopted namespaces that hold objects but were never created: {}", adopted);
            }
            r.explicit = known;
        }
        return r;
    }

    /** A valid namespace name (a lowercase RFC 1123 label). */
    public static boolean isName(String name) {
        return ObjectRules.isNamespace(name);
    }

    /** Whether {@code name} exists. */
    public boolean exists(String name) {
        if (DEFAULT.equals(name)) {
            return true;
        }
        synchronized (fileLock) {
            return explicit.containsKey(name);
        }
    }

    /**
     * Runs a write of an object in {@code namespace} when the namespace exists, else 404 {@code namespaces "x" not
     * found} as the API server answers; the namespace cannot be deleted while the write runs.
     */
    <T> T writeIn(String namespace, Callable<T> write) throws Exception {
        writes.readLock().lock();
        try {
            if (!exists(namespace)) {
                throw ApiException.notFound("namespaces", namespace);
            }
            return write.call();
        } finally {
            writes.readLock().unlock();
        }
    }

    /** Every namespace, by name, as a Namespace object. */
    SortedMap<String, ObjectNode> all() {
        SortedMap<String, ObjectNode> out = new TreeMap<>();
        out.put(DEFAULT, namespace(DEFAULT, null));
        synchronized (fileLock) {
            explicit.forEach((name, meta) -> out.put(name, namespace(name, meta)));
        }
        return out;
    }

    /** The namespace, or 404 {@code namespaces "x" not found}. */
    ObjectNode get(String name) {
        ObjectNode ns = all().get(name);
        if (ns == null) {
            throw ApiException.notFound("namespaces", name);
        }
        return ns;
    }

    /** Creates {@code name}; AlreadyExists when it exists. {@code dryRun}: checked, not written. */
    ObjectNode create(String name, JsonNode labels, JsonNode annotations, boolean dryRun) {
        synchronized (fileLock) {
            if (exists(name)) {
                throw new StoreException.AlreadyExists("namespaces \"" + name + "\" already exists");
            }
            ObjectNode meta = meta(labels);
            if (annotations != null && annotations.isObject() && !annotations.isEmpty()) {
                meta.set("annotations", annotations.deepCopy());
            }
            if (!dryRun) {
                Map<String, ObjectNode> next = new TreeMap<>(explicit);
                next.put(name, meta);
                write(next);
                explicit = next;
            }
            return namespace(name, meta);
        }
    }

    /**
     * Applies a merge patch to the namespace's labels and annotations (all Hoist keeps of one besides its name);
     * a patch touching anything else is 422 naming the field.
     */
    ObjectNode patchMetadata(String name, ObjectNode patch, boolean dryRun) {
        List<io.hoist.core.model.admission.Cause> causes = new java.util.ArrayList<>();
        patch.properties().forEach(e -> {
            if (!e.getKey().equals("metadata") && !e.getKey().equals("apiVersion") && !e.getKey().equals("kind")) {
                causes.add(io.hoist.core.model.admission.Cause.forbidden(e.getKey(),
                        "Hoist keeps only a namespace's labels and annotations"));
            }
        });
        patch.path("metadata").properties().forEach(e -> {
            if (!List.of("labels", "annotations", "name", "resourceVersion").contains(e.getKey())) {
                causes.add(io.hoist.core.model.admission.Cause.forbidden("metadata." + e.getKey(),
                        "Hoist keeps only a namespace's labels and annotations"));
            }
        });
        for (String field : List.of("labels", "annotations")) {
            JsonNode change = patch.path("metadata").get(field);
            if (change != null && !change.isNull() && !change.isObject()) {
                causes.add(io.hoist.core.model.admission.Cause.invalid("metadata." + field, "must be a map of strings"));
            }
        }
        String patchedName = patch.path("metadata").path("name").asText(name);
        if (!patchedName.equals(name)) {
            causes.add(io.hoist.core.model.admission.Cause.invalid("metadata.name", "a namespace cannot be renamed"));
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid("Namespace \"" + name + "\" is invalid", causes);
        }
        synchronized (fileLock) {
            ObjectNode current = get(name);
            if (name.equals(DEFAULT) && !explicit.containsKey(DEFAULT)) {
                current.with("metadata").put("uid", UUID.randomUUID().toString());
            }
            ObjectNode meta = ((ObjectNode) current.get("metadata")).deepCopy();
            meta.remove("name");
            for (String field : List.of("labels", "annotations")) {
                JsonNode change = patch.path("metadata").get(field);
                if (change == null) {
                    continue;
                }
                ObjectNode merged = (ObjectNode) MergePatch.apply(
                        meta.has(field) ? meta.get(field) : JSON.createObjectNode(), change.isNull() ? JSON.createObjectNode() : change);
                if (change.isNull() || merged.isEmpty()) {
                    meta.remove(field);
                } else {
                    meta.set(field, merged);
                }
            }
            if (!dryRun) {
                Map<String, ObjectNode> next = new TreeMap<>(explicit);
                next.put(name, meta);
                write(next);
                explicit = next;
            }
            return namespace(name, meta);
        }
    }

    /** Deletes an empty namespace; NotFound, or Conflict naming what it still holds. */
    ObjectNode delete(String name, boolean dryRun) {
        ObjectNode existing = get(name);
        if (name.equals(DEFAULT)) {
            throw new ApiException(403, "Forbidden", "namespaces \"default\" is forbidden: this namespace may not be deleted");
        }
        writes.writeLock().lock(); // no object write into it is under way, and none starts until it is gone
        try {
            int held = 0;
            String example = null;
            for (ResourceKind k : ResourceKind.values()) {
                if (k == ResourceKind.EVENT) {
                    continue; // the platform's notes on objects now gone, deleted with the namespace as on a cluster
                }
                for (ObjectNode o : store.listWithoutItems(k, name)) {
                    held++;
                    example = example == null ? k.plural() + "/" + o.path("metadata").path("name").asText() : example;
                }
            }
            if (held > 0) {
                throw new StoreException.Conflict("namespaces \"" + name + "\" still holds " + held + " object"
                        + (held == 1 ? "" : "s") + " (" + example + (held > 1 ? ", ..." : "") + "): delete them first;"
                        + " Hoist does not delete a namespace's plans and their history with it");
            }
            if (!dryRun) {
                for (ObjectNode event : store.listWithoutItems(ResourceKind.EVENT, name)) {
                    store.delete(ResourceKind.EVENT, name, event.path("metadata").path("name").asText());
                }
                synchronized (fileLock) {
                    Map<String, ObjectNode> next = new TreeMap<>(explicit);
                    next.remove(name);
                    write(next);
                    explicit = next;
                }
            }
            return existing;
        } finally {
            writes.writeLock().unlock();
        }
    }

    private static ObjectNode meta(JsonNode labels) {
        ObjectNode meta = JSON.createObjectNode();
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (labels != null && labels.isObject() && !labels.isEmpty()) {
            meta.set("labels", labels.deepCopy());
        }
        return meta;
    }

    private Map<String, ObjectNode> read() {
        Map<String, ObjectNode> out = new TreeMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            root.path("namespaces").properties().forEach(e -> out.put(e.getKey(), (ObjectNode) e.getValue()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void write(Map<String, ObjectNode> namespaces) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode map = root.putObject("namespaces");
        namespaces.forEach(map::set);
        try {
            Path tmp = Files.createTempFile(file.getParent(), ".namespaces", ".json",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, root.toPrettyString() + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode namespace(String name, ObjectNode stored) {
        ObjectNode ns = JSON.createObjectNode();
        ns.put("apiVersion", "v1");
        ns.put("kind", "Namespace");
        ObjectNode meta = ns.putObject("metadata");
        meta.put("name", name);
        if (stored != null) {
            meta.setAll(stored.deepCopy());
        }
        ns.putObject("spec").putArray("finalizers").add("kubernetes");
        ns.putObject("status").put("phase", "Active");
        return ns;
    }
}
