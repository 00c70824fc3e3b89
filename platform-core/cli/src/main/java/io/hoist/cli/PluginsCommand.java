package io.hoist.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.output.Formats;
import io.hoist.cli.output.Table;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "plugins", description = {"List the server's plugins with their state and extension points.",
        "Example: hoist plugins"})
public final class PluginsCommand extends ClientCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default), yaml or json.")
    Output output;

    public enum Output { table, yaml, json }

    @Override
    protected int execute() {
        JsonNode list = client().getPath("/api/v1/plugins");
        switch (output) {
            case yaml -> out().print(Formats.yaml(list));
            case json -> out().println(Formats.json(list));
            case table -> {
                List<List<String>> rows = new ArrayList<>();
                for (JsonNode p : list.path("items")) {
                    List<String> ext = new ArrayList<>();
                    for (JsonNode e : p.path("extensions")) {
                        ext.add(e.path("point").asText() + "(" + e.path("type").asText() + ")");
                    }
                    rows.add(List.of(p.path("id").asText(), p.path("version").asText(""), p.path("state").asText(""),
                            ext.isEmpty() ? "-" : String.join(",", ext), p.path("error").asText("")));
                }
                if (rows.isEmpty()) {
                    err().println("No plugins loaded (plugin API " + list.path("pluginApiVersion").asText("?") + ").");
                    return 0;
                }
                Table.print(out(), List.of("ID", "VERSION", "STATE", "EXTENSIONS", "ERROR"), rows);
            }
        }
        return 0;
    }
}
