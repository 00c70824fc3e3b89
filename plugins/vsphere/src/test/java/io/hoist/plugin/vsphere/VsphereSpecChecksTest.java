package io.hoist.plugin.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.provider.FieldError;
import io.hoist.api.provider.ProviderSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks the API runs on a vsphere Provider's spec before storing it (422 naming each field). */
class VsphereSpecChecksTest {
    final VsphereProviderFactory factory = new VsphereProviderFactory();

    List<String> fields(ProviderSpec spec) {
        return factory.checkSpec(spec).stream().map(FieldError::field).toList();
    }

    @Test
    void mtvsVsphereProviderPasses() {
        assertThat(factory.checkSpec(new ProviderSpec("vsphere", "https://vcenter.example.com/sdk",
                Map.of("sdkEndpoint", "esxi", "vddkInitImage", "quay.io/vddk:8"), "vsphere-creds"))).isEmpty();
    }

    @Test
    void eachProblemNamesItsFieldAndReason() {
        List<FieldError> errors = factory.checkSpec(new ProviderSpec("vsphere", "", Map.of("sdkEndpoint", "vc"), ""));
        assertThat(errors).extracting(FieldError::field)
                .containsExactly("spec.url", "spec.secret.name", "spec.settings.sdkEndpoint");
        assertThat(errors).extracting(FieldError::reason)
                .containsExactly(FieldError.Reason.REQUIRED, FieldError.Reason.REQUIRED, FieldError.Reason.NOT_SUPPORTED);
        assertThat(errors.get(2).message()).contains("\"vc\"").contains("vcenter").contains("esxi");
    }

    @Test
    void malformedUrlsAreInvalid() {
        for (String url : List.of("vcenter.example.com/sdk", "http://vcenter.example.com/sdk", "https:///sdk",
                "https://vcenter.example.com/", "https://vc .example.com/sdk")) {
            List<FieldError> errors = factory.checkSpec(new ProviderSpec("vsphere", url, null, "creds"));
            assertThat(errors).as(url).singleElement().satisfies(e -> {
                assertThat(e.field()).isEqualTo("spec.url");
                assertThat(e.reason()).isEqualTo(FieldError.Reason.INVALID);
            });
        }
    }

    @Test
    void secretKeysAreLeftToValidateAsConditions() {
        // the Secret may be applied after the Provider: its keys are no admission matter
        assertThat(fields(new ProviderSpec("vsphere", "https://vc.example.com/sdk", Map.of(), "not-yet-applied"))).isEmpty();
    }
}
