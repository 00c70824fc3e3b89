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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespaces that exist, kept in the store ({@link ResourceStore#namespaces}) so that every node sharing a store
 * agrees: {@code default} (always), {@link #FROM_THE_START} in a new store, those created through the API ({@code
 * kubectl create namespace}, {@code hoist create namespace}, a {@code kind: Namespace} manifest) and those adopted at
 * start. A data dir from before namespaces were stored keeps them in {@code DATA/namespaces.json}: {@link #open}
 * copies them into the store and renames the file {@code namespaces.json.imported}.
 *
 * <p>A write of a namespaced object into a namespace that does not exist is refused with the API server's
 * {@code 404 namespaces "x" not found} ({@link #writeIn}). Data dirs written before Hoist checked this may hold
 * objects in namespaces nobody created: {@link #open} adopts those namespaces, so nothing stored becomes
 * unreachable. A namespace that still holds objects is not deleted: Hoist keeps migration history, and a delete
 * that cascaded to plans would erase it. Its Events (the platform's notes, kept 24 h) do not hold it: they go with it.
 */
public final class NamespaceRegistry {
    static final String FILE = "namespaces.json";
    /** What {@link #FILE} is renamed to once its namespaces are in the store (kept: nothing is thrown away). */
    static final String IMPORTED_FILE = "namespaces.json.imported";
    /** Where MTV lives on OpenShift, and where its docs put the {@code host} provider and ForkliftController. */
    static final List<String> FROM_THE_START = List.of("openshift-mtv");
    static final String ADOPTED = "hoist.io/adopted";
    private static final String DEFAULT = "default";
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResourceStore store;
    /**
     * Object writes hold the read lock from their namespace check to their store write; a namespace delete the write
     * lock. It orders this node's writes only: across nodes, a delete racing a write into the namespace can leave that
     * object in a namespace that is gone, which the next start adopts again.
     */
    private final ReadWriteLock writes = new ReentrantReadWriteLock();
    /** Serialises this node's read-modify-write of one namespace's metadata (a patch). */
    private final Object metadataLock = new Object();

    private NamespaceRegistry(ResourceStore store) {
        this.store = store;
    }

    /**
     * Imports {@code DATA/namespaces.json} when there is one, makes {@code default} and {@link #FROM_THE_START} in a
     * store that has no namespace yet, creates {@code ensured} when missing ({@code HoistServer.Builder.namespaces})
     * and adopts every namespace that holds a stored object but was never created, with an annotation saying so.
     */
    public static NamespaceRegistry open(ResourceStore store, Path dataDir, List<String> ensured) {
        NamespaceRegistry r = new NamespaceRegistry(store);
        Path file = dataDir.resolve(FILE);
        boolean fresh = store.namespaces().isEmpty() && !Files.exists(file);
        if (Files.exists(file)) {
            importFile(store, file, dataDir.resolve(IMPORTED_FILE));
        }
        if (fresh) {
            // default is stored too: it marks the store as set up, so a deleted openshift-mtv stays deleted
            store.createNamespace(DEFAULT, meta(null));
            FROM_THE_START.forEach(ns -> store.createNamespace(ns, meta(null)));
        }
        for (String ns : ensured) {
            if (!ns.equals(DEFAULT)) {
                store.createNamespace(ns, meta(null));
            }
        }
        java.util.Set<String> known = new java.util.HashSet<>(store.namespaces().keySet());
        List<String> adopted = new java.util.ArrayList<>();
        for (ResourceKind k : ResourceKind.values()) {
            for (ObjectNode o : store.listWithoutItems(k, null)) {
                String ns = o.path("metadata").path("namespace").asText("");
                if (!ns.isEmpty() && !ns.equals(DEFAULT) && known.add(ns)) {
                    ObjectNode meta = meta(null);
                    meta.putObject("annotations").put(ADOPTED, "held objects before Hoist checked that namespaces exist");
                    store.createNamespace(ns, meta);
                    adopted.add(ns);
                }
            }
        }
        if (!adopted.isEmpty()) {
            LOG.info("adopted namespaces that hold objects but were never created: {}", adopted);
        }
        return r;
    }

    /**
     * Copies every namespace of an older data dir's file into the store (those the store has already are kept as
     * stored), then renames the file: a start that fails half-way leaves the file, and the next one imports the rest.
     */
    private static void importFile(ResourceStore store, Path file, Path imported) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            List<String> names = new java.util.ArrayList<>();
            for (var e : root.path("namespaces").properties()) {
                if (!e.getValue().isObject()) {
                    throw new IOException("namespace \"" + e.getKey() + "\" is not an object");
                }
                if (store.createNamespace(e.getKey(), (ObjectNode) e.getValue())) {
                    names.add(e.getKey());
                }
            }
            Files.move(file, imported, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("namespaces of {} are now kept in the store ({} imported); the file is kept as {}", file,
                    names.size(), imported.getFileName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot import " + file + ": " + e.getMessage(), e);
        }
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
        return store.namespace(name).isPresent();
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
        store.namespaces().forEach((name, meta) -> out.put(name, namespace(name, meta)));
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
        StoreException taken = new StoreException.AlreadyExists("namespaces \"" + name + "\" already exists");
        if (exists(name)) {
            throw taken;
        }
        ObjectNode meta = meta(labels);
        if (annotations != null && annotations.isObject() && !annotations.isEmpty()) {
            meta.set("annotations", annotations.deepCopy());
        }
        if (!dryRun && !store.createNamespace(name, meta)) {
            throw taken; // another node created it since the check
        }
        return namespace(name, meta);
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
        synchronized (metadataLock) {
            ObjectNode current = get(name);
            if (name.equals(DEFAULT) && store.namespace(DEFAULT).isEmpty()) {
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
                store.putNamespace(name, meta);
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
                store.deleteNamespace(name);
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
