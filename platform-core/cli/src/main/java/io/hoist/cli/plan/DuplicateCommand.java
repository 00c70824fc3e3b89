package io.hoist.cli.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.CliException;
import io.hoist.cli.NamespacedCommand;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.admission.AdmissionException;
import io.hoist.core.model.admission.Cause;
import io.hoist.core.model.admission.PlanDuplicator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "duplicate", description = {"Create a new plan with the same spec, labels and annotations (not archived, no status).",
        "Example: hoist duplicate web-tier web-tier-retry -n demo"})
public final class DuplicateCommand extends NamespacedCommand {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    @Parameters(index = "0", paramLabel = "PLAN")
    String plan;

    @Parameters(index = "1", paramLabel = "NEW_NAME")
    String newName;

    @Override
    protected int execute() {
        ApiClient api = client();
        String ns = namespace();
        ObjectNode copy;
        try {
            copy = PlanDuplicator.duplicate(api.get(ResourceKind.PLAN, ns, plan), newName);
        } catch (AdmissionException e) {
            throw new CliException("NEW_NAME '" + newName + "' is not a valid plan name",
                    e.causes().stream().map(c -> c.field() + ": " + c.message()).toList());
        }
        copy.with("metadata").put("namespace", ns);
        // The last-applied copy describes the original: a later 'apply' of the new plan would compute its
        // patch against another object's manifest.
        if (copy.path("metadata").path("annotations") instanceof ObjectNode annotations) {
            annotations.remove(LAST_APPLIED);
            if (annotations.isEmpty()) {
                copy.with("metadata").remove("annotations");
            }
        }
        api.create(ResourceKind.PLAN, ns, copy);
        out().println("plan/" + newName + " created (copy of plan/" + plan + ")");
        return 0;
    }
}
