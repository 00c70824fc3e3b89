package io.hoist.core.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpClosedException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Issue 24 item 8: a client's disconnect is not an ERROR in the server log; a real failure still is. */
class ClientGoneTest {
    @Test
    void disconnectsAreToldApartFromFailures() {
        assertThat(ErrorMapping.clientGone(new HttpClosedException("Connection was closed"))).isTrue();
        assertThat(ErrorMapping.clientGone(new IOException("Connection reset by peer"))).isTrue();
        assertThat(ErrorMapping.clientGone(new RuntimeException("wrapped", new IOException("Broken pipe")))).isTrue();
        assertThat(ErrorMapping.clientGone(new IllegalStateException("bug"))).isFalse();
        assertThat(ErrorMapping.clientGone(new IOException("No space left on device"))).isFalse();
    }
}
