package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.schema.CrdSchemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server-side printing ({@code Accept: application/json;as=Table;g=meta.k8s.io;v=v1}), what {@code kubectl get}
 * asks for: a meta.k8s.io/v1 Table whose columns are the CRD's {@code additionalPrinterColumns} (MTV's READY,
 * EXECUTING, ... for plans) after Name, and for the core kinds the columns the API server prints.
 */
final class Tables {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One step of the CRD column JSONPath subset MTV uses: .field, [n] or [?(@.field=='value')]. */
    private static final Pattern STEP = Pattern.compile(
            "\\.([A-Za-z0-9_-]+)|\\[(\\d+)]|\\[\\?\\(@\\.([A-Za-z0-9_-]+)\\s*==\\s*['\"]([^'\"]*)['\"]\\)]");

    private Tables() {}

    static boolean requested(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("as=table");
    }

    record Column(String name, String type, String format, String jsonPath, String description) {}

    static List<Column> columns(ResourceKind kind) {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column("Name", "string", "name", ".metadata.name",
                "Name must be unique within a namespace."));
        switch (kind) {
            case SECRET -> {
                cols.add(new Column("Type", "string", "", ".type", "The type of secret"));
                cols.add(new Column("Data", "string", "", "#data", "The number of keys in the secret"));
                cols.add(age());
            }
            case CONFIG_MAP -> {
                cols.add(new Column("Data", "string", "", "#data", "The number of keys in the config map"));
                cols.add(age());
            }
            case EVENT -> {
                cols.clear();
                cols.add(new Column("Last Seen", "date", "", "#lastSeen", "When the event last happened"));
                cols.add(new Column("Type", "string", "", ".type", "Normal or Warning"));
                cols.add(new Column("Reason", "string", "", ".reason", "Why the event happened"));
                cols.add(new Column("Object", "string", "", "#object", "The object the event is about"));
                cols.add(new Column("Message", "string", "", ".message", "What happened"));
                cols.add(new Column("Name", "string", "name", ".metadata.name", "The event's name"));
            }
            default -> {
                List<JsonNode> printer = CrdSchemas.printerColumns(kind);
                for (JsonNode c : printer) {
                    cols.add(new Column(c.path("name").asText(), c.path("type").asText("string"),
                            c.path("format").asText(""), c.path("jsonPath").asText(), c.path("description").asText("")));
                }
                if (printer.isEmpty()) {
                    cols.add(age());
                }
            }
        }
        return cols;
    }

    private static Column age() {
        return new Column("Age", "date", "", ".metadata.creationTimestamp",
                "CreationTimestamp is a timestamp representing the server time when this object was created.");
    }

    /** The Table of objects already redacted for the client; {@code includeObject} is None, Metadata (default) or Object. */
    static ObjectNode table(ResourceKind kind, List<ObjectNode> objects, String resourceVersion, String includeObject) {
        List<Column> columns = columns(kind);
        ObjectNode t = JSON.createObjectNode();
        t.put("kind", "Table");
        t.put("apiVersion", "meta.k8s.io/v1");
        ObjectNode meta = t.putObject("metadata");
        if (resourceVersion != null) {
            meta.put("resourceVersion", resourceVersion);
        }
        ArrayNode defs = t.putArray("columnDefinitions");
        for (Column c : columns) {
            defs.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
                    .put("description", c.description()).put("priority", 0);
        }
        ArrayNode rows = t.putArray("rows");
        for (ObjectNode o : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (Column c : columns) {
                cells.add(cell(o, c));
            }
            if ("Object".equals(includeObject)) {
                row.set("object", o);
            } else if (!"None".equals(includeObject)) {
                ObjectNode partial = row.putObject("object");
                partial.put("kind", "PartialObjectMetadata");
                partial.put("apiVersion", "meta.k8s.io/v1");
                partial.set("metadata", o.path("metadata").deepCopy());
            }
        }
        return t;
    }

    private static JsonNode cell(ObjectNode o, Column c) {
        switch (c.jsonPath()) {
            case "#data" -> {
                return JSON.getNodeFactory().numberNode(o.path("data").size() + o.path("binaryData").size());
            }
            case "#lastSeen" -> {
                for (String f : List.of("lastTimestamp", "eventTime", "firstTimestamp")) {
                    if (o.path(f).isTextual()) {
                        return o.get(f);
                    }
                }
                return o.path("metadata").path("creationTimestamp");
            }
            case "#object" -> {
                JsonNode about = o.path("involvedObject");
                return JSON.getNodeFactory().textNode(about.path("kind").asText("").toLowerCase(Locale.ROOT)
                        + "/" + about.path("name").asText(""));
            }
            default -> {
                JsonNode v = select(o, c.jsonPath());
                if (v == null || v.isMissingNode() || v.isNull()) {
                    return JSON.getNodeFactory().nullNode();
                }
                return v.isValueNode() ? v : JSON.getNodeFactory().textNode(v.toString());
            }
        }
    }

    /** The first value the JSONPath selects, or null. */
    static JsonNode select(JsonNode root, String path) {
        List<JsonNode> current = List.of(root);
        Matcher m = STEP.matcher(path.trim());
        int at = 0;
        while (at < path.trim().length()) {
            if (!m.find(at) || m.start() != at) {
                return null; // a path outside the subset selects nothing rather than something wrong
            }
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode n : current) {
                if (m.group(1) != null) {
                    JsonNode child = n.get(m.group(1));
                    if (child != null) {
                        next.add(child);
                    }
                } else if (m.group(2) != null) {
                    JsonNode child = n.get(Integer.parseInt(m.group(2)));
                    if (child != null) {
                        next.add(child);
                    }
                } else if (n.isArray()) {
                    for (JsonNode e : n) {
                        if (m.group(4).equals(e.path(m.group(3)).asText(null))) {
                            next.add(e);
                        }
                    }
                }
            }
            current = next;
            at = m.end();
        }
        return current.isEmpty() ? null : current.get(0);
    }
}
