package io.hoist.cli.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.NamespacedCommand;
import io.hoist.core.model.ResourceKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "archive", description = {"Archive a plan (spec.archived=true): its history is kept, it can no longer run.",
        "Example: hoist archive web-tier -n demo"})
public final class ArchiveCommand extends NamespacedCommand {
    @Parameters(index = "0", paramLabel = "PLAN")
    String plan;

    @Override
    protected int execute() {
        Plans.update(client(), ResourceKind.PLAN, namespace(), plan,
                p -> ((ObjectNode) p.path("spec")).put("archived", true));
        out().println("plan/" + plan + " archived");
        return 0;
    }
}
