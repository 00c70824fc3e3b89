package io.hoist.plugin.kubevirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.provider.FieldError;
import io.hoist.api.provider.ProviderSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks the API runs on an openshift Provider's spec before storing it (422 naming the field). */
class KubevirtSpecChecksTest {
    final KubevirtDestinationProviderFactory factory = new KubevirtDestinationProviderFactory();

    @Test
    void hostClusterFolderAndRemoteClusterPass() {
        for (String url : List.of("", "file:///var/lib/hoist/target", "https://api.cluster.example.com:6443")) {
            assertThat(factory.checkSpec(new ProviderSpec("openshift", url, Map.of(), ""))).as(url).isEmpty();
        }
    }

    @Test
    void malformedUrlsAreInvalid() {
        for (String url : List.of("file://relative/dir", "http://api.cluster.example.com:6443", "ftp://cluster", "https://")) {
            assertThat(factory.checkSpec(new ProviderSpec("openshift", url, Map.of(), ""))).as(url)
                    .singleElement().satisfies(e -> {
                        assertThat(e.field()).isEqualTo("spec.url");
                        assertThat(e.reason()).isEqualTo(FieldError.Reason.INVALID);
                    });
        }
    }
}
