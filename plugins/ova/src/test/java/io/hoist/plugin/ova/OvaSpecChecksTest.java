package io.hoist.plugin.ova;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.provider.FieldError;
import io.hoist.api.provider.ProviderSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks the API runs on an ova Provider's spec before storing it (422 naming the field). */
class OvaSpecChecksTest {
    final OvaProviderFactory factory = new OvaProviderFactory();

    @Test
    void mtvFolderFormsPass() {
        for (String url : List.of("nfs.example.com:/exports/ova", "nfs://nfs.example.com/exports/ova", "file:///srv/ova", "/srv/ova")) {
            assertThat(factory.checkSpec(new ProviderSpec("ova", url, Map.of(), "ova-secret"))).as(url).isEmpty();
        }
    }

    @Test
    void noFolderAnywhereIsRequiredButTheSecretMayCarryIt() {
        assertThat(factory.checkSpec(new ProviderSpec("ova", "", Map.of(), "")))
                .singleElement().satisfies(e -> {
                    assertThat(e.field()).isEqualTo("spec.url");
                    assertThat(e.reason()).isEqualTo(FieldError.Reason.REQUIRED);
                });
        // MTV's OVA Secret repeats the URL: with a Secret named, the folder is validate's to check
        assertThat(factory.checkSpec(new ProviderSpec("ova", "", Map.of(), "ova-secret"))).isEmpty();
    }

    @Test
    void unsupportedSchemeIsInvalid() {
        assertThat(factory.checkSpec(new ProviderSpec("ova", "https://files.example.com/ova", Map.of(), "s")))
                .singleElement().satisfies(e -> {
                    assertThat(e.field()).isEqualTo("spec.url");
                    assertThat(e.reason()).isEqualTo(FieldError.Reason.INVALID);
                    assertThat(e.message()).contains("not supported");
                });
    }
}
