package io.hoist.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.output.Age;
import io.hoist.cli.output.Formats;
import io.hoist.cli.output.Redaction;
import io.hoist.cli.output.Table;
import io.hoist.core.model.ResourceKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe", description = {"Show one object for people: metadata, spec, conditions and status.",
        "Example: hoist describe plan web-tier -n demo"})
public final class DescribeCommand extends NamespacedCommand {
    @Parameters(index = "0", paramLabel = "KIND", description = "Kind (singular, plural or Kind).")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Override
    protected int execute() {
        ResourceKind k = Kinds.resolve(kind);
        ObjectNode o = client().get(k, namespace(), name);
        PrintWriter w = out();
        Instant now = Instant.now();
        JsonNode meta = o.path("metadata");
        field(w, "Name", meta.path("name").asText());
        field(w, "Namespace", meta.path("namespace").asText());
        field(w, "Kind", k.kind());
        field(w, "Labels", pairs(meta.path("labels")));
        JsonNode annotations = (k == ResourceKind.SECRET ? Redaction.redactSecret(o) : o).path("metadata").path("annotations");
        if (annotations instanceof ObjectNode a) {
            // kubectl describe leaves out apply's bookkeeping: a copy of the whole manifest, unreadable here
            annotations = a.deepCopy().without(ApplyPatch.LAST_APPLIED);
        }
        field(w, "Annotations", pairs(annotations));
        String created = meta.path("creationTimestamp").asText("");
        field(w, "Created", created.isEmpty() ? "<unknown>" : created + " (" + Age.since(created, now) + " ago)");
        field(w, "UID", meta.path("uid").asText(""));
        if (k == ResourceKind.SECRET || k == ResourceKind.CONFIG_MAP) {
            describeData(w, o, k == ResourceKind.SECRET);
            return 0;
        }
        section(w, "Spec", o.path("spec"));
        JsonNode status = o.path("status");
        JsonNode conditions = status.path("conditions");
        if (conditions.isArray() && !conditions.isEmpty()) {
            w.println("Conditions:");
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode c : conditions) {
                String t = c.path("lastTransitionTime").asText("");
                rows.add(List.of(c.path("type").asText(""), c.path("status").asText(""), c.path("category").asText(""),
                        c.path("reason").asText(""), t.isEmpty() ? "" : Age.since(t, now), c.path("message").asText("")));
            }
            StringWriter table = new StringWriter();
            Table.print(new PrintWriter(table), List.of("TYPE", "STATUS", "CATEGORY", "REASON", "AGE", "MESSAGE"), rows);
            table.toString().lines().forEach(l -> w.println("  " + l));
        }
        if (status.isObject()) {
            ObjectNode rest = ((ObjectNode) status).deepCopy();
            rest.remove("conditions");
            if (!rest.isEmpty()) {
                section(w, "Status", rest);
            }
        }
        return 0;
    }

    private static void describeData(PrintWriter w, ObjectNode o, boolean secret) {
        if (secret) {
            field(w, "Type", o.path("type").asText("Opaque"));
        }
        w.println("Data:");
        for (String field : List.of("data", "stringData")) {
            o.path(field).fields().forEachRemaining(e -> w.println("  " + e.getKey() + ":  "
                    + (!secret ? e.getValue().asText()
                            : field.equals("data") ? Redaction.size(o, e.getKey()) : Redaction.size(e.getValue(), false))));
        }
    }

    private static void section(PrintWriter w, String title, JsonNode node) {
        if (node.isMissingNode() || node.isNull() || node.isEmpty()) {
            return;
        }
        w.println(title + ":");
        Formats.yaml(node).lines().forEach(l -> w.println("  " + l));
    }

    private static void field(PrintWriter w, String label, String value) {
        w.println(String.format("%-13s%s", label + ":", value));
    }

    private static String pairs(JsonNode map) {
        if (!map.isObject() || map.isEmpty()) {
            return "<none>";
        }
        List<String> out = new ArrayList<>();
        map.fields().forEachRemaining(e -> out.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(", ", out);
    }
}
