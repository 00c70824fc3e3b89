package io.hoist.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.cli.output.Columns;
import io.hoist.cli.output.Formats;
import io.hoist.cli.output.OutputFormat;
import io.hoist.cli.output.Redaction;
import io.hoist.cli.output.Table;
import io.hoist.core.model.ResourceKind;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", description = {"List resources of a kind, or show one.",
        "Example: hoist get plans -n demo; hoist get provider vcenter -o yaml"})
public final class GetCommand extends NamespacedCommand {
    @Parameters(index = "0", paramLabel = "KIND", description = "provider, plan, migration, networkmap, storagemap, host, hook, secret, ... (singular, plural or Kind)")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "One object; all of the kind when omitted.")
    String name;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "wide, yaml, json, name, jsonpath=TEMPLATE or custom-columns=HEADER:EXPR,... (default: a table).")
    String output;

    @Option(names = {"-A", "--all-namespaces"}, description = "List the kind in every namespace (forklift kinds).")
    boolean allNamespaces;

    @Option(names = {"-w", "--watch"}, description = {"After listing, show each change as it happens (Ctrl-C to stop).",
            "On a terminal the table is redrawn in place; otherwise one line (or document) per change."})
    boolean watch;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "With --watch: stop after SECONDS (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    protected int execute() {
        ResourceKind k = Kinds.resolve(kind);
        OutputFormat format = format(output);
        String ns = namespace();
        if (allNamespaces && name != null) {
            throw new CliException("NAME cannot be used with --all-namespaces");
        }
        if (timeoutSeconds <= 0) {
            throw new CliException("--timeout: must be a positive number of seconds, got " + timeoutSeconds);
        }
        ApiClient api = client();
        if (watch) {
            if (name != null) {
                throw new CliException("--watch lists a kind; it cannot be used with NAME");
            }
            return watch(api, k, ns, format);
        }
        List<ObjectNode> items = allNamespaces ? api.listAllNamespaces(k)
                : name == null ? api.list(k, ns) : List.of(api.get(k, ns, name));
        items = k == ResourceKind.SECRET ? items.stream().map(Redaction::redactSecret).toList() : items;
        boolean tabular = switch (format.kind()) {
            case TABLE, WIDE, CUSTOM_COLUMNS -> true;
            default -> false;
        };
        if (tabular && items.isEmpty()) {
            err().println("No " + k.plural() + " found" + (allNamespaces ? "." : " in namespace " + ns + "."));
            return 0;
        }
        print(out(), format, k, items, name == null, allNamespaces);
        return 0;
    }

    /** Parses {@code -o} into a format, as a one-line error naming the option when it is not one. */
    static OutputFormat format(String output) {
        try {
            return OutputFormat.parse(output);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    /**
     * Objects in {@code format}: one table (with a NAMESPACE column when {@code withNamespace}), or one
     * document (a kubectl List when {@code asList}).
     */
    static void print(PrintWriter w, OutputFormat format, ResourceKind k, List<ObjectNode> items, boolean asList,
                      boolean withNamespace) {
        switch (format.kind()) {
            case TABLE, WIDE, CUSTOM_COLUMNS -> {
                List<Columns.Column> cols = columns(format, k, withNamespace);
                Table.print(w, cols.stream().map(Columns.Column::header).toList(),
                        items.stream().map(o -> cols.stream().map(c -> c.value().apply(o)).toList()).toList());
            }
            case NAME -> items.forEach(o -> w.println(qualifiedName(k, o)));
            case YAML -> w.print(Formats.yaml(document(items, asList)));
            case JSON -> w.println(Formats.json(document(items, asList)));
            case JSONPATH -> w.print(format.template().render(document(items, asList)));
        }
        w.flush();
    }

    /** {@code plan.forklift.konveyor.io/web-tier}, {@code secret/vcenter}: kubectl's {@code -o name}. */
    static String qualifiedName(ResourceKind k, JsonNode o) {
        String type = k.kind().toLowerCase(Locale.ROOT) + (k.group().isEmpty() ? "" : "." + k.group());
        return type + "/" + o.path("metadata").path("name").asText();
    }

    private static List<Columns.Column> columns(OutputFormat format, ResourceKind k, boolean withNamespace) {
        if (format.kind() == OutputFormat.Kind.CUSTOM_COLUMNS) {
            return format.columns().stream()
                    .map(c -> new Columns.Column(c.header(), o -> OutputFormat.cell(c.path(), o))).toList();
        }
        List<Columns.Column> cols = new ArrayList<>(Columns.of(k, Instant.now(), format.kind() == OutputFormat.Kind.WIDE));
        if (withNamespace) {
            cols.add(0, new Columns.Column("NAMESPACE", o -> o.path("metadata").path("namespace").asText()));
        }
        return cols;
    }

    /**
     * The current objects (the stream starts with an ADDED each), then each change. On a terminal the whole
     * table is redrawn, aligned, with deleted objects gone; elsewhere (a pipe, a file) one line per change.
     */
    private int watch(ApiClient api, ResourceKind k, String ns, OutputFormat format) {
        List<Columns.Column> cols = columns(format, k, allNamespaces);
        boolean tabular = switch (format.kind()) {
            case TABLE, WIDE, CUSTOM_COLUMNS -> true;
            default -> false;
        };
        boolean redraw = tabular && context().terminal().interactive();
        Map<String, ObjectNode> current = new LinkedHashMap<>();
        int[] width = cols.stream().mapToInt(c -> Math.max(c.header().length(), 8)).toArray();
        if (tabular && !redraw) {
            out().println(Table.row(cols.stream().map(Columns.Column::header).toList(), width));
            out().flush();
        }
        api.watch(k, allNamespaces ? null : ns, timeoutSeconds, event -> {
            ObjectNode o = (ObjectNode) event.path("object");
            if (k == ResourceKind.SECRET) {
                o = Redaction.redactSecret(o);
            }
            ObjectNode obj = o;
            PrintWriter w = out();
            if (redraw) {
                String key = obj.path("metadata").path("namespace").asText() + "/" + obj.path("metadata").path("name").asText();
                if ("DELETED".equals(event.path("type").asText())) {
                    current.remove(key);
                } else {
                    current.put(key, obj);
                }
                w.print(Terminal.CLEAR);
                Table.print(w, cols.stream().map(Columns.Column::header).toList(),
                        current.values().stream().map(x -> cols.stream().map(c -> c.value().apply(x)).toList()).toList());
            } else {
                switch (format.kind()) {
                    case TABLE, WIDE, CUSTOM_COLUMNS -> w.println(Table.row(cols.stream().map(c -> c.value().apply(obj)).toList(), width));
                    case NAME -> w.println(qualifiedName(k, obj));
                    case YAML -> w.print("---\n" + Formats.yaml(obj));
                    case JSON -> w.println(obj.toString());
                    case JSONPATH -> w.print(format.template().render(obj));
                }
            }
            w.flush();
        });
        return 0;
    }

    /** One object as itself, several as a kubectl-style List. */
    private static JsonNode document(List<ObjectNode> items, boolean asList) {
        if (!asList && items.size() == 1) {
            return items.get(0);
        }
        ObjectNode list = new ObjectMapper().createObjectNode();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        ArrayNode arr = list.putArray("items");
        items.forEach(arr::add);
        return list;
    }
}
