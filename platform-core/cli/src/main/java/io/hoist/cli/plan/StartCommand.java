package io.hoist.cli.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.CliException;
import io.hoist.cli.NamespacedCommand;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "start", description = {"Start a plan: create its first Migration.",
        "Example: hoist start web-tier -n demo"})
public final class StartCommand extends NamespacedCommand {
    @Parameters(index = "0", paramLabel = "PLAN")
    String plan;

    @Override
    protected int execute() {
        ApiClient api = client();
        String ns = namespace();
        Plans.requireNotArchived(api.get(ResourceKind.PLAN, ns, plan));
        List<ObjectNode> previous = Plans.migrations(api, ns, plan);
        if (!previous.isEmpty()) {
            throw new CliException("plan '" + plan + "' was already started (migration '"
                    + previous.get(0).path("metadata").path("name").asText() + "'); use 'hoist restart " + plan
                    + "' to run it again");
        }
        ObjectNode m = Plans.createMigration(api, ns, plan);
        out().println("migration/" + m.path("metadata").path("name").asText() + " created for plan/" + plan);
        return 0;
    }
}
