package io.hoist.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FailuresTest {
    @Test
    void causedByWalksTheChain() {
        Exception e = new RuntimeException("outer", new IOException("mid", new ConnectException("refused")));
        assertThat(Failures.causedBy(e, ConnectException.class)).isTrue();
        assertThat(Failures.causedBy(e, SSLHandshakeException.class)).isFalse();
        assertThat(Failures.causedBy(null, Exception.class)).isFalse();
    }

    @Test
    void rootMessageNamesTheInnermostCause() {
        assertThat(Failures.rootMessage(new RuntimeException("outer", new IllegalStateException("inner"))))
                .isEqualTo("IllegalStateException: inner");
        assertThat(Failures.rootMessage(new IOException())).isEqualTo("IOException");
    }

    @Test
    void aRealRefusedConnectionIsSaidSo() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        IOException refused;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            throw new AssertionError("port " + port + " should be closed");
        } catch (IOException e) {
            refused = e;
        }
        assertThat(Failures.describe(new IOException("request failed", refused)))
                .startsWith("connection refused or timed out (ConnectException");
    }

    @Test
    void tlsFailuresAndOthersAreTold() {
        assertThat(Failures.describe(new IOException(new SSLHandshakeException("PKIX path building failed"))))
                .isEqualTo("TLS handshake failed (SSLHandshakeException: PKIX path building failed)");
        assertThat(Failures.describe(new IOException("stream closed"))).isEqualTo("IOException: stream closed");
    }
}
