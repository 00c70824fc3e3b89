package io.hoist.core.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.server.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 item 7: watchers that never read are disconnected once their bounded buffer fills; the server keeps
 * answering reads and writes meanwhile (200 such watchers once made a list wait 27.5 s).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SlowWatchersTest {
    static final String PLANS = "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans";
    static final int WATCHERS = 100;
    static final int WRITES = 200;

    @TempDir
    Path dir;

    @Test
    void watchersThatNeverReadAreDroppedAndEveryoneElseIsServed() throws Exception {
        try (RunningServer api = RunningServer.start(dir, "demo")) {
            URI base = URI.create(api.server.url());
            assertThat(api.post(PLANS, ResourceApiTest.plan("big", "x")).status()).isEqualTo(201);
            List<Socket> watchers = new ArrayList<>();
            try {
                for (int i = 0; i < WATCHERS; i++) {
                    Socket s = new Socket();
                    s.setReceiveBufferSize(4096); // fills at once: these clients read nothing
                    s.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
                    s.getOutputStream().write(("GET " + PLANS + "?watch=true HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                            + api.token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    watchers.add(s);
                }
                String description = "d".repeat(16 * 1024);
                long slowestList = 0;
                for (int i = 0; i < WRITES; i++) {
                    var r = api.patch(PLANS + "/big", "{\"spec\":{\"description\":\"" + description + i + "\"}}");
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    if (i % 20 == 0) {
                        long start = System.nanoTime();
                        assertThat(api.get(PLANS).status()).isEqualTo(200);
                        slowestList = Math.max(slowestList, (System.nanoTime() - start) / 1_000_000);
                    }
                }
                System.out.println("slowest list with " + WATCHERS + " stalled watchers: " + slowestList + " ms");
                // each stalled watcher was cut off: it got far fewer than WRITES events before the end of its stream
                int dropped = 0;
                for (Socket s : watchers) {
                    if (eventsUntilClosed(s) < WRITES) {
                        dropped++;
                    }
                }
                assertThat(dropped).as("stalled watchers disconnected").isEqualTo(WATCHERS);
                assertThat(api.get(PLANS + "/big").status()).isEqualTo(200);
            } finally {
                for (Socket s : watchers) {
                    s.close();
                }
            }
        }
    }

    /** Reads what the server sent until it closed the stream (or 20 s passed); returns the events counted. */
    private static int eventsUntilClosed(Socket s) {
        int events = 0;
        try {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        events++;
                    }
                }
            }
        } catch (IOException resetOrTimeout) {
            // a reset is how the server drops a watcher; a timeout means it did not (counted as not dropped)
            if (resetOrTimeout instanceof java.net.SocketTimeoutException) {
                return Integer.MAX_VALUE;
            }
        }
        return events;
    }
}
