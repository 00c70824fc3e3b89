package io.hoist.core.transfer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double: a TCP proxy in front of a real server that cuts each connection after a random number of bytes
 * (up to {@code maxBytesPerConnection}) sent to the client, like a flaky network or a restarted server.
 */
public final class ConnectionCuttingProxyTestServer implements AutoCloseable {
    private final ServerSocket listener;
    private final int upstreamPort;
    private final long maxBytes;
    private final Random random;
    private final AtomicInteger cuts = new AtomicInteger();

    public ConnectionCuttingProxyTestServer(int upstreamPort, long maxBytesPerConnection, long seed) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstreamPort = upstreamPort;
        this.maxBytes = maxBytesPerConnection;
        this.random = new Random(seed);
        Thread t = new Thread(this::accept, "cutting-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    public int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                long budget;
                synchronized (random) {
                    budget = 64 * 1024 + (long) (random.nextDouble() * maxBytes);
                }
                pump(client.getInputStream(), upstream.getOutputStream(), Long.MAX_VALUE, client, upstream);
                pump(upstream.getInputStream(), client.getOutputStream(), budget, client, upstream);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, long budget, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            long left = budget;
            try {
                int n;
                while ((n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                    out.write(buf, 0, n);
                    left -= n;
                    if (left == 0) {
                        cuts.incrementAndGet();
                        break;
                    }
                }
            } catch (IOException ignored) {
                // one side went away; close both below
            } finally {
                closeQuietly(a);
                closeQuietly(b);
            }
        }, "cutting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
