package io.hoist.plugin.ova;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.provider.SourceProviderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PF4J finds extensions through the compile-time index, never by scanning: the factory must be in it. */
class OvaPluginPackagingTest {
    @Test
    void factoryIsIndexedForPf4jAndServesTypeOva() throws IOException {
        List<String> lines = new ArrayList<>();
        for (URL u : Collections.list(getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
            try (InputStream in = u.openStream()) {
                lines.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            }
        }
        assertThat(lines).contains(OvaProviderFactory.class.getName());
        SourceProviderFactory f = new OvaProviderFactory();
        assertThat(f.type()).isEqualTo("ova");
        assertThat(OvaProviderFactory.class.getAnnotation(org.pf4j.Extension.class)).isNotNull();
    }
}
