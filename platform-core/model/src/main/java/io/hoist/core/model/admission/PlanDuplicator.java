package io.hoist.core.model.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.Names;
import io.hoist.core.model.ResourceKind;

import java.util.List;

/**
 * Makes a new plan from an existing one (the only way to "change" an archived, running or succeeded
 * plan): same VMs, settings, mappings and hooks; a new name; not archived; no status; none of the
 * server-set metadata (uid, resourceVersion, generation, timestamps, finalizers, owner references).
 */
public final class PlanDuplicator {
    private static final List<String> SERVER_METADATA = List.of("uid", "resourceVersion", "generation",
            "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "finalizers", "ownerReferences",
            "managedFields", "selfLink", "generateName");

    private PlanDuplicator() {
    }

    /** The new plan, ready for admission; throws {@link AdmissionException} when the new name is not valid. */
    public static ObjectNode duplicate(ObjectNode plan, String newName) {
        Names.checkLabel(newName).ifPresent(problem -> {
            throw new AdmissionException(ResourceKind.PLAN.kind(), String.valueOf(newName),
                    List.of(Cause.invalid("metadata.name", "Invalid value: \"" + newName + "\": " + problem)));
        });
        ObjectNode copy = plan.deepCopy();
        copy.remove("status");
        copy.put("apiVersion", ResourceKind.PLAN.apiVersion());
        copy.put("kind", ResourceKind.PLAN.kind());
        ObjectNode metadata = copy.get("metadata") instanceof ObjectNode m ? m : copy.putObject("metadata");
        SERVER_METADATA.forEach(metadata::remove);
        metadata.put("name", newName);
        JsonNode spec = copy.get("spec");
        if (spec instanceof ObjectNode s) {
            s.remove("archived");
        }
        return copy;
    }
}
