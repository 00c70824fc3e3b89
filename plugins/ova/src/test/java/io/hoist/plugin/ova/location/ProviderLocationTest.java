package io.hoist.plugin.ova.location;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProviderLocationTest {
    @Test
    void acceptsPathsFileUrlsAndNfsExports() {
        assertThat(ProviderLocation.parse("/srv/ova")).isEqualTo(new ProviderLocation.Local(Path.of("/srv/ova")));
        assertThat(ProviderLocation.parse("file:///srv/ova")).isEqualTo(new ProviderLocation.Local(Path.of("/srv/ova")));
        assertThat(ProviderLocation.parse(" 10.0.0.5:/exports/ova ")).isEqualTo(new ProviderLocation.Nfs("10.0.0.5", "/exports/ova"));
        assertThat(ProviderLocation.parse("nfs.example.com:/ova")).isEqualTo(new ProviderLocation.Nfs("nfs.example.com", "/ova"));
        assertThat(ProviderLocation.parse("[fd00::5]:/ova")).isEqualTo(new ProviderLocation.Nfs("[fd00::5]", "/ova"));
        assertThat(ProviderLocation.parse("nfs://nas/exports/ova")).isEqualTo(new ProviderLocation.Nfs("nas", "/exports/ova"));
    }

    @Test
    void rejectsWhatItCannotServeNamingTheField() {
        assertThatThrownBy(() -> ProviderLocation.parse("")).hasMessageStartingWith("url:").hasMessageContaining("required");
        assertThatThrownBy(() -> ProviderLocation.parse("ova/dir")).hasMessageStartingWith("url:")
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> ProviderLocation.parse("https://host/ova")).hasMessageStartingWith("url:")
                .hasMessageContaining("not supported");
        assertThatThrownBy(() -> ProviderLocation.parse("server:relative")).hasMessageStartingWith("url:");
    }
}
