package io.hoist.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every provider plugin bundles this library in its PF4J jar: an extension index here (even an empty one) would
 * take the place of the plugin's own in that jar, and the platform would load none of its extensions.
 */
class NoExtensionIndexTest {
    @Test
    void theCompiledLibraryHasNoPf4jExtensionIndex() {
        Path classes = Path.of("target/classes");
        assertThat(classes.resolve("io/hoist/plugin/support/ProviderUrls.class")).as("compiled classes where expected").exists();
        assertThat(Files.exists(classes.resolve("META-INF/extensions.idx"))).as("META-INF/extensions.idx in " + classes).isFalse();
    }
}
