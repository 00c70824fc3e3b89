package io.hoist.core.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.admission.Admission;
import io.hoist.core.model.admission.AdmissionException;
import io.hoist.core.model.admission.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * Test double for {@link Admission} (the real one is MtvAdmission in hoist-model): a Provider needs
 * {@code spec.type} and {@code spec.url} of type string; a Plan gets {@code spec.warm=false} by default;
 * a Plan whose {@code status.phase} is Running cannot be deleted. Enough to prove the API calls
 * admission, stores what it returns and maps its refusals to 422.
 */
public final class AdmissionTestDouble implements Admission {
    @Override
    public ObjectNode admit(ResourceKind kind, ObjectNode incoming, ObjectNode existing) {
        List<Cause> causes = new ArrayList<>();
        if (kind == ResourceKind.PROVIDER) {
            if (!incoming.path("spec").path("type").isTextual()) {
                causes.add(Cause.required("spec.type", "provider type is required"));
            }
            if (incoming.path("spec").has("url") && !incoming.path("spec").path("url").isTextual()) {
                causes.add(Cause.invalid("spec.url", "must be a string"));
            }
        }
        if (!causes.isEmpty()) {
            throw new AdmissionException(kind.kind(), incoming.path("metadata").path("name").asText(), causes);
        }
        ObjectNode out = incoming.deepCopy();
        if (kind == ResourceKind.PLAN && out.path("spec").isObject() && !out.path("spec").has("warm")) {
            ((ObjectNode) out.get("spec")).put("warm", false);
        }
        return out;
    }

    @Override
    public void admitDelete(ResourceKind kind, ObjectNode existing) {
        if (kind == ResourceKind.PLAN && "Running".equals(existing.path("status").path("phase").asText())) {
            throw new AdmissionException(kind.kind(), existing.path("metadata").path("name").asText(),
                    List.of(Cause.forbidden("status.phase", "a running plan cannot be deleted; cancel it first")));
        }
    }
}
