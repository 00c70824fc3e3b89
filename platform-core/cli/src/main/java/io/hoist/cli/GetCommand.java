package io.hoist.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.cli.output.Columns;
import io.hoist.cli.output.Formats;
import io.hoist.cli.output.Redaction;
import io.hoist.cli.output.Table;
import io.hoist.core.model.ResourceKind;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", description = {"List resources of a kind, or show one.",
        "Example: hoist get plans -n demo; hoist get provider vcenter -o yaml"})
public final class GetCommand extends NamespacedCommand {
    public enum Output { table, yaml, json }

    @Parameters(index = "0", paramLabel = "KIND", description = "provider, plan, migration, networkmap, storagemap, host, hook, secret, ... (singular, plural or Kind)")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "One object; all of the kind when omitted.")
    String name;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default), yaml or json.")
    Output output;

    @Option(names = {"-A", "--all-namespaces"}, description = "List the kind in every namespace (forklift kinds).")
    boolean allNamespaces;

    @Option(names = {"-w", "--watch"}, description = "After listing, print each change as it happens (Ctrl-C to stop).")
    boolean watch;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "With --watch: stop after SECONDS (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    protected int execute() {
        ResourceKind k = Kinds.resolve(kind);
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
            return watch(api, k, ns);
        }
        List<ObjectNode> items = allNamespaces ? api.listAllNamespaces(k)
                : name == null ? api.list(k, ns) : List.of(api.get(k, ns, name));
        items = k == ResourceKind.SECRET ? items.stream().map(Redaction::redactSecret).toList() : items;
        switch (output) {
            case table -> {
                if (items.isEmpty()) {
                    err().println("No " + k.plural() + " found" + (allNamespaces ? "." : " in namespace " + ns + "."));
                    return 0;
                }
                List<Columns.Column> cols = new java.util.ArrayList<>(Columns.of(k, Instant.now()));
                if (allNamespaces) {
                    cols.add(0, new Columns.Column("NAMESPACE", o -> o.path("metadata").path("namespace").asText()));
                }
                Table.print(out(), cols.stream().map(Columns.Column::header).toList(),
                        items.stream().map(o -> cols.stream().map(c -> c.value().apply(o)).toList()).toList());
            }
            case yaml -> out().print(Formats.yaml(single(items)));
            case json -> out().println(Formats.json(single(items)));
        }
        return 0;
    }

    /** The current objects (the stream starts with an ADDED each), then one line or document per change. */
    private int watch(ApiClient api, ResourceKind k, String ns) {
        List<Columns.Column> cols = new java.util.ArrayList<>(Columns.of(k, Instant.now()));
        if (allNamespaces) {
            cols.add(0, new Columns.Column("NAMESPACE", o -> o.path("metadata").path("namespace").asText()));
        }
        int[] width = cols.stream().mapToInt(c -> Math.max(c.header().length(), 8)).toArray();
        if (output == Output.table) {
            out().println(Table.row(cols.stream().map(Columns.Column::header).toList(), width));
            out().flush();
        }
        api.watch(k, allNamespaces ? null : ns, timeoutSeconds, event -> {
            ObjectNode o = (ObjectNode) event.path("object");
            if (k == ResourceKind.SECRET) {
                o = Redaction.redactSecret(o);
            }
            ObjectNode obj = o;
            switch (output) {
                case table -> out().println(Table.row(cols.stream().map(c -> c.value().apply(obj)).toList(), width));
                case yaml -> out().print("---\n" + Formats.yaml(obj));
                case json -> out().println(obj.toString());
            }
            out().flush();
        });
        return 0;
    }

    /** One object as itself, several as a kubectl-style List. */
    private JsonNode single(List<ObjectNode> items) {
        if (name != null) {
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
