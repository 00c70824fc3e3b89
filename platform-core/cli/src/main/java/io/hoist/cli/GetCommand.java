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

    @Override
    protected int execute() {
        ResourceKind k = Kinds.resolve(kind);
        String ns = namespace();
        ApiClient api = client();
        List<ObjectNode> items = name == null ? api.list(k, ns) : List.of(api.get(k, ns, name));
        items = k == ResourceKind.SECRET ? items.stream().map(Redaction::redactSecret).toList() : items;
        switch (output) {
            case table -> {
                if (items.isEmpty()) {
                    err().println("No " + k.plural() + " found in namespace " + ns + ".");
                    return 0;
                }
                List<Columns.Column> cols = Columns.of(k, Instant.now());
                Table.print(out(), cols.stream().map(Columns.Column::header).toList(),
                        items.stream().map(o -> cols.stream().map(c -> c.value().apply(o)).toList()).toList());
            }
            case yaml -> out().print(Formats.yaml(single(items)));
            case json -> out().println(Formats.json(single(items)));
        }
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
