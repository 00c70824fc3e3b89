package io.hoist.plugin.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.provider.FieldError;
import io.hoist.api.provider.ProviderSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks the API runs on an openstack Provider's spec before storing it (422 naming each field). */
class OpenstackSpecChecksTest {
    final OpenstackProviderFactory factory = new OpenstackProviderFactory();

    @Test
    void mtvsOpenstackProviderPasses() {
        assertThat(factory.checkSpec(new ProviderSpec("openstack", "https://keystone.example.com:5000/v3",
                Map.of(), "openstack-credentials"))).isEmpty();
    }

    @Test
    void theUrlMayComeFromTheSecretButTheSecretIsRequired() {
        assertThat(factory.checkSpec(new ProviderSpec("openstack", "", Map.of(), "creds"))).isEmpty();
        List<FieldError> errors = factory.checkSpec(new ProviderSpec("openstack", " ", Map.of(), null));
        assertThat(errors).extracting(FieldError::field).containsExactly("spec.url", "spec.secret.name");
        assertThat(errors).extracting(FieldError::reason).containsOnly(FieldError.Reason.REQUIRED);
        assertThat(errors.get(0).message()).contains("/v3");
    }

    @Test
    void aUrlThatIsNoKeystoneV3EndpointIsInvalid() {
        for (String url : List.of("keystone.example.com", "ftp://keystone.example.com/v3",
                "https://keystone.example.com:5000/v2.0", "https://admin:secret@keystone.example.com/v3")) {
            assertThat(factory.checkSpec(new ProviderSpec("openstack", url, Map.of(), "creds"))).as(url)
                    .singleElement().satisfies(e -> {
                        assertThat(e.field()).isEqualTo("spec.url");
                        assertThat(e.reason()).isEqualTo(FieldError.Reason.INVALID);
                    });
        }
    }
}
