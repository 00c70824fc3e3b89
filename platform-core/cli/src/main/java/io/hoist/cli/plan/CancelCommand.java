package io.hoist.cli.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.CliException;
import io.hoist.cli.NamespacedCommand;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", description = {"Cancel VMs of a plan's running Migration (adds them to spec.cancel).",
        "VM is the id or name used in the plan's spec.vms.",
        "Example: hoist cancel web-tier vm-431 db-01 -n demo"})
public final class CancelCommand extends NamespacedCommand {
    @Parameters(index = "0", paramLabel = "PLAN")
    String plan;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "VM")
    List<String> vms;

    @Override
    protected int execute() {
        ApiClient api = client();
        String ns = namespace();
        ObjectNode planObj = api.get(ResourceKind.PLAN, ns, plan);
        List<JsonNode> refs = new ArrayList<>();
        for (String vm : vms) {
            refs.add(reference(planObj, vm));
        }
        ObjectNode running = Plans.requireRunning(api, ns, plan);
        String name = running.path("metadata").path("name").asText();
        Plans.update(api, ResourceKind.MIGRATION, ns, name, m -> {
            ObjectNode spec = (ObjectNode) m.path("spec");
            ArrayNode cancel = spec.has("cancel") && spec.get("cancel").isArray()
                    ? (ArrayNode) spec.get("cancel") : spec.putArray("cancel");
            for (JsonNode ref : refs) {
                boolean present = false;
                for (JsonNode c : cancel) {
                    present |= same(c, ref);
                }
                if (!present) {
                    cancel.add(ref);
                }
            }
        });
        vms.forEach(vm -> out().println("VM " + vm + " canceled in migration/" + name));
        return 0;
    }

    /** The plan's own reference to the VM (id and/or name), so the controller matches it exactly. */
    private JsonNode reference(ObjectNode planObj, String vm) {
        for (JsonNode entry : planObj.path("spec").path("vms")) {
            if (vm.equals(entry.path("id").asText(null)) || vm.equals(entry.path("name").asText(null))) {
                ObjectNode ref = planObj.objectNode();
                if (entry.hasNonNull("id")) {
                    ref.put("id", entry.get("id").asText());
                }
                if (entry.hasNonNull("name")) {
                    ref.put("name", entry.get("name").asText());
                }
                return ref;
            }
        }
        throw new CliException("VM '" + vm + "' is not in plan '" + plan + "' (spec.vms lists it by id or name)");
    }

    private static boolean same(JsonNode a, JsonNode b) {
        String idA = a.path("id").asText("");
        String idB = b.path("id").asText("");
        if (!idA.isEmpty() && !idB.isEmpty()) {
            return idA.equals(idB);
        }
        return a.path("name").asText("").equals(b.path("name").asText("")) && !b.path("name").asText("").isEmpty();
    }
}
