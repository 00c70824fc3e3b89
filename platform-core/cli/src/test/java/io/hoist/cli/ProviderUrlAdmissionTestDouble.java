package io.hoist.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.admission.Admission;
import io.hoist.core.model.admission.AdmissionException;
import io.hoist.core.model.admission.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * TEST DOUBLE for {@link Admission} (the real one is the model's MtvAdmission): admits everything except a
 * Provider whose spec.url is not https or that has no spec.type, so the CLI's 422 handling meets the real
 * server's Status with causes.
 */
final class ProviderUrlAdmissionTestDouble implements Admission {
    @Override
    public ObjectNode admit(ResourceKind kind, ObjectNode incoming, ObjectNode existing) {
        if (kind == ResourceKind.PROVIDER) {
            List<Cause> causes = new ArrayList<>();
            if (!incoming.path("spec").path("url").asText("").startsWith("https://")) {
                causes.add(Cause.invalid("spec.url", "must be an https URL"));
            }
            if (incoming.path("spec").path("type").asText("").isEmpty()) {
                causes.add(Cause.required("spec.type", "provider type is required"));
            }
            if (!causes.isEmpty()) {
                throw new AdmissionException(kind.kind(), incoming.path("metadata").path("name").asText(), causes);
            }
        }
        return incoming;
    }

    @Override
    public void admitDelete(ResourceKind kind, ObjectNode existing) {}
}
