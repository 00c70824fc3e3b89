package io.hoist.cli.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.CliException;
import io.hoist.cli.NamespacedCommand;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "restart", description = {"Run a plan again (after it failed or VMs were canceled): create a new Migration.",
        "Example: hoist restart web-tier -n demo"})
public final class RestartCommand extends NamespacedCommand {
    @Parameters(index = "0", paramLabel = "PLAN")
    String plan;

    @Override
    protected int execute() {
        ApiClient api = client();
        String ns = namespace();
        ObjectNode current = api.get(ResourceKind.PLAN, ns, plan);
        Plans.requireNotArchived(current);
        Plans.running(api, ns, plan).ifPresent(m -> {
            throw new CliException("plan '" + plan + "' has a running migration '" + m.path("metadata").path("name").asText()
                    + "'; wait for it or cancel its VMs first");
        });
        if (Plans.nothingToRerun(current)) {
            throw new CliException("plan '" + plan + "' has nothing to run again: every VM of its last migration"
                    + " succeeded (use 'hoist duplicate " + plan + "' to migrate the same VMs again)");
        }
        ObjectNode m = Plans.createMigration(api, ns, plan);
        out().println("migration/" + m.path("metadata").path("name").asText() + " created for plan/" + plan);
        return 0;
    }
}
