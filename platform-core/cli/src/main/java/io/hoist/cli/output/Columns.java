package io.hoist.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code get} table of each kind: the columns MTV's CRDs print (READY, EXECUTING, ... from
 * conditions), then AGE.
 */
public final class Columns {
    private Columns() {}

    public record Column(String header, Function<ObjectNode, String> value) {}

    public static List<Column> of(ResourceKind kind, Instant now) {
        return of(kind, now, false);
    }

    /** With {@code wide} ({@code -o wide}), the columns then a few more per kind, before AGE. */
    public static List<Column> of(ResourceKind kind, Instant now, boolean wide) {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column("NAME", o -> o.path("metadata").path("name").asText()));
        switch (kind) {
            case PROVIDER -> {
                cols.add(new Column("TYPE", o -> o.path("spec").path("type").asText("")));
                cols.add(new Column("STATUS", o -> o.path("status").path("phase").asText("")));
                cols.add(condition("READY", "Ready"));
                cols.add(condition("CONNECTED", "ConnectionTestSucceeded"));
                cols.add(condition("INVENTORY", "InventoryCreated"));
                cols.add(new Column("URL", o -> o.path("spec").path("url").asText("")));
            }
            case PLAN -> {
                cols.add(condition("READY", "Ready"));
                cols.add(condition("EXECUTING", "Executing"));
                cols.add(condition("SUCCEEDED", "Succeeded"));
                cols.add(condition("FAILED", "Failed"));
                cols.add(condition("CANCELED", "Canceled"));
                cols.add(new Column("ARCHIVED", o -> o.path("spec").path("archived").asBoolean(false) ? "true" : ""));
            }
            case MIGRATION -> {
                cols.add(new Column("PLAN", o -> o.path("spec").path("plan").path("name").asText("")));
                cols.add(condition("READY", "Ready"));
                cols.add(condition("RUNNING", "Running"));
                cols.add(condition("SUCCEEDED", "Succeeded"));
                cols.add(condition("FAILED", "Failed"));
                cols.add(condition("CANCELED", "Canceled"));
            }
            case SECRET -> {
                cols.add(new Column("TYPE", o -> o.path("type").asText("Opaque")));
                cols.add(new Column("DATA", o -> String.valueOf(o.path("data").size() + o.path("stringData").size())));
            }
            case CONFIG_MAP -> cols.add(new Column("DATA", o -> String.valueOf(o.path("data").size())));
            case EVENT -> {
                // as kubectl get events: what happened to which object, how often, most recent last
                cols.add(new Column("LAST SEEN", o -> Age.since(o.path("lastTimestamp").asText(null), now)));
                cols.add(new Column("TYPE", o -> o.path("type").asText("")));
                cols.add(new Column("REASON", o -> o.path("reason").asText("")));
                cols.add(new Column("OBJECT", o -> o.path("involvedObject").path("kind").asText("").toLowerCase(java.util.Locale.ROOT)
                        + "/" + o.path("involvedObject").path("name").asText("")));
                cols.add(new Column("COUNT", o -> String.valueOf(o.path("count").asInt(1))));
                cols.add(new Column("MESSAGE", o -> o.path("message").asText("")));
            }
            default -> cols.add(condition("READY", "Ready"));
        }
        if (wide) {
            cols.addAll(wide(kind));
        }
        cols.add(new Column("AGE", o -> Age.since(o.path("metadata").path("creationTimestamp").asText(null), now)));
        return cols;
    }

    private static List<Column> wide(ResourceKind kind) {
        return switch (kind) {
            case PROVIDER -> List.of(new Column("SECRET", o -> ref(o.path("spec").path("secret"))));
            case PLAN -> List.of(
                    new Column("TYPE", o -> o.path("spec").path("type").asText(o.path("spec").path("warm").asBoolean(false) ? "warm" : "cold")),
                    new Column("SOURCE", o -> ref(o.path("spec").path("provider").path("source"))),
                    new Column("DESTINATION", o -> ref(o.path("spec").path("provider").path("destination"))),
                    new Column("TARGET NAMESPACE", o -> o.path("spec").path("targetNamespace").asText("")),
                    new Column("VMS", o -> String.valueOf(o.path("spec").path("vms").size())));
            case MIGRATION -> List.of(
                    new Column("STARTED", o -> o.path("status").path("started").asText("")),
                    new Column("COMPLETED", o -> o.path("status").path("completed").asText("")));
            default -> List.of();
        };
    }

    private static String ref(com.fasterxml.jackson.databind.JsonNode ref) {
        String name = ref.path("name").asText("");
        String ns = ref.path("namespace").asText("");
        return name.isEmpty() ? "" : ns.isEmpty() ? name : ns + "/" + name;
    }

    /** The status of condition {@code type} (True/False), empty when absent. */
    public static String conditionStatus(JsonNode object, String type) {
        for (JsonNode c : object.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c.path("status").asText("");
            }
        }
        return "";
    }

    private static Column condition(String header, String type) {
        return new Column(header, o -> conditionStatus(o, type));
    }
}
