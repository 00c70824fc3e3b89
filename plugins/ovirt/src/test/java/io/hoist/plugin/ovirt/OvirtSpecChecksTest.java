package io.hoist.plugin.ovirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.provider.FieldError;
import io.hoist.api.provider.ProviderSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks the API runs on an ovirt Provider's spec before storing it (422 naming each field). */
class OvirtSpecChecksTest {
    final OvirtProviderFactory factory = new OvirtProviderFactory();

    @Test
    void mtvsOvirtProviderPasses() {
        assertThat(factory.checkSpec(new ProviderSpec("ovirt", "https://engine.example.com/ovirt-engine/api",
                Map.of(), "ovirt-credentials"))).isEmpty();
    }

    @Test
    void missingUrlAndSecretAreRequired() {
        List<FieldError> errors = factory.checkSpec(new ProviderSpec("ovirt", " ", Map.of(), null));
        assertThat(errors).extracting(FieldError::field).containsExactly("spec.url", "spec.secret.name");
        assertThat(errors).extracting(FieldError::reason).containsOnly(FieldError.Reason.REQUIRED);
        assertThat(errors.get(0).message()).contains("/ovirt-engine/api");
    }

    @Test
    void urlOutsideTheEngineApiIsInvalid() {
        for (String url : List.of("engine.example.com", "http://engine.example.com/ovirt-engine/api",
                "https://engine.example.com/api")) {
            assertThat(factory.checkSpec(new ProviderSpec("ovirt", url, Map.of(), "creds"))).as(url)
                    .singleElement().satisfies(e -> {
                        assertThat(e.field()).isEqualTo("spec.url");
                        assertThat(e.reason()).isEqualTo(FieldError.Reason.INVALID);
                    });
        }
    }
}
