package io.hoist.core.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Issue 24 item 6: YAML bodies are bounded and aliases are refused rather than read as their anchor's name. */
class RequestBodiesLimitsTest {
    @Test
    void aliasIsRefusedNotReadAsTheAnchorName() {
        byte[] yaml = "a: &pw secret\nb: *pw\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RequestBodies.parse(yaml, RequestBodies.Format.YAML))
                .isInstanceOf(ApiException.class).hasMessageContaining("alias *pw").hasMessageContaining("line 2");
        assertThatThrownBy(() -> RequestBodies.parse("a: *undefined\n".getBytes(StandardCharsets.UTF_8), RequestBodies.Format.YAML))
                .isInstanceOf(ApiException.class).hasMessageContaining("alias");
        assertThat(RequestBodies.parse("a: &anchored x\nb: y\n".getBytes(StandardCharsets.UTF_8), RequestBodies.Format.YAML)
                .path("a").asText()).isEqualTo("x");
    }
}
