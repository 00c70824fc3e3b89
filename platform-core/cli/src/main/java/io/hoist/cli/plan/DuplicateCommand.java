package io.hoist.cli.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.NamespacedCommand;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "duplicate", description = {"Create a new plan with the same spec (not archived, no status).",
        "Example: hoist duplicate web-tier web-tier-retry -n demo"})
public final class DuplicateCommand extends NamespacedCommand {
    @Parameters(index = "0", paramLabel = "PLAN")
    String plan;

    @Parameters(index = "1", paramLabel = "NEW_NAME")
    String newName;

    @Override
    protected int execute() {
        ApiClient api = client();
        String ns = namespace();
        ObjectNode source = api.get(ResourceKind.PLAN, ns, plan);
        ObjectNode copy = source.objectNode();
        copy.put("apiVersion", ResourceKind.PLAN.apiVersion());
        copy.put("kind", ResourceKind.PLAN.kind());
        ObjectNode meta = copy.putObject("metadata");
        meta.put("name", newName);
        meta.put("namespace", ns);
        for (String f : new String[] {"labels", "annotations"}) {
            JsonNode v = source.path("metadata").get(f);
            if (v != null && v.isObject()) {
                meta.set(f, v.deepCopy());
            }
        }
        ObjectNode spec = source.path("spec").isObject() ? ((ObjectNode) source.get("spec")).deepCopy() : copy.objectNode();
        spec.remove("archived");
        copy.set("spec", spec);
        api.create(ResourceKind.PLAN, ns, copy);
        out().println("plan/" + newName + " created (copy of plan/" + plan + ")");
        return 0;
    }
}
