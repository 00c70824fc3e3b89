package io.hoist.plugin.openstack.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 (ephemeral port) in front of a local service that cuts the connection once, after
 * {@code cutAfter} bytes went back to the client in all: a download dropped half-way.
 */
public final class CuttingProxyTestServer implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final long cutAfter;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicBoolean cut = new AtomicBoolean();
    private final AtomicInteger cuts = new AtomicInteger();
    private final Thread acceptor;

    public CuttingProxyTestServer(int targetPort, long cutAfter) throws IOException {
        this.targetPort = targetPort;
        this.cutAfter = cutAfter;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().start(this::accept);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    public int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Thread.ofVirtual().start(() -> pipe(client, upstream, false));
                Thread.ofVirtual().start(() -> pipe(upstream, client, true));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean toClient) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (toClient && forwarded.addAndGet(n) > cutAfter && cut.compareAndSet(false, true)) {
                    cuts.incrementAndGet();
                    to.close();
                    from.close();
                    return;
                }
            }
        } catch (IOException ignored) {
            // either side closed
        } finally {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
