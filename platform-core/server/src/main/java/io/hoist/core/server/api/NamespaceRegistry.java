package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
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
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Namespaces: {@code default}, the ones created through the API ({@code kubectl create namespace}, kept in
 * {@code DATA/namespaces.json}, written atomically), and every namespace that holds an object (manifests applied
 * into a namespace nobody declared, as Hoist has always accepted them). A namespace that still holds objects is not
 * deleted: Hoist keeps migration history, and a namespace delete that cascaded to plans would erase it.
 */
final class NamespaceRegistry {
    static final String FILE = "namespaces.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResourceStore store;
    private final Path file;

    NamespaceRegistry(ResourceStore store, Path dataDir) {
        this.store = store;
        this.file = dataDir.resolve(FILE);
    }

    /** Every namespace, by name, as a Namespace object. */
    synchronized SortedMap<String, ObjectNode> all() {
        SortedMap<String, ObjectNode> out = new TreeMap<>();
        out.put("default", namespace("default", null));
        for (ResourceKind k : ResourceKind.values()) {
            for (ObjectNode o : store.listWithoutItems(k, null)) {
                String ns = o.path("metadata").path("namespace").asText("");
                if (!ns.isEmpty()) {
                    out.putIfAbsent(ns, namespace(ns, null));
                }
            }
        }
        explicit().forEach((name, meta) -> out.put(name, namespace(name, meta)));
        return out;
    }

    /** Creates {@code name}; AlreadyExists when it exists in any way. {@code dryRun}: checked, not written. */
    synchronized ObjectNode create(String name, JsonNode labels, boolean dryRun) {
        if (all().containsKey(name)) {
            throw new StoreException.AlreadyExists("namespaces \"" + name + "\" already exists");
        }
        ObjectNode meta = JSON.createObjectNode();
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (labels != null && labels.isObject() && !labels.isEmpty()) {
            meta.set("labels", labels.deepCopy());
        }
        if (!dryRun) {
            Map<String, ObjectNode> next = explicit();
            next.put(name, meta);
            write(next);
        }
        return namespace(name, meta);
    }

    /** Deletes an empty namespace; NotFound, or Conflict naming what it still holds. */
    synchronized ObjectNode delete(String name, boolean dryRun) {
        ObjectNode existing = all().get(name);
        if (existing == null) {
            throw new StoreException.NotFound("namespaces \"" + name + "\" not found");
        }
        if (name.equals("default")) {
            throw new io.hoist.core.server.http.ApiException(403, "Forbidden",
                    "namespaces \"default\" is forbidden: this namespace may not be deleted");
        }
        int held = 0;
        String example = null;
        for (ResourceKind k : ResourceKind.values()) {
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
            Map<String, ObjectNode> next = explicit();
            next.remove(name);
            write(next);
        }
        return existing;
    }

    private Map<String, ObjectNode> explicit() {
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
