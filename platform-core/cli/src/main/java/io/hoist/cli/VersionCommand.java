package io.hoist.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hoist version}: this CLI's version and, as kubectl does, the server's when one is reachable. */
@Command(name = "version", description = {"Print the client version and the server's.", "Example: hoist version --client"})
public final class VersionCommand extends ClientCommand {
    @Option(names = "--client", description = "Only the client version; do not contact a server.")
    boolean clientOnly;

    @Override
    protected int execute() {
        out().println("Client Version: " + Main.version() + " (plugin API " + io.hoist.api.PluginApi.VERSION + ")");
        if (clientOnly) {
            return 0;
        }
        out().flush();
        JsonNode v = client().getPath("/version");
        out().println("Server Version: " + v.path("gitVersion").asText("unknown") + " (" + client().url() + ")");
        return 0;
    }
}
