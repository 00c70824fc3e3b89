package io.hoist.plugin.ovirt.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.hoist.testkit.tls.SelfSignedTestCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test double of ovirt-imageio's HTTP server (the daemon on a host, or the engine's proxy): {@code /images/<ticket>}
 * answers {@code OPTIONS} with its features, Range {@code GET}s from a raw image file, and {@code /extents} in
 * {@code zero} context (from {@code qemu-img map} of the image, the real allocation) or {@code dirty} context (what
 * the ticket's backup says changed). Tickets are added and removed by {@link OvirtEngineTestServer} as image
 * transfers open and close. Faults: a share of requests dropped without an answer, a ticket that expires after a
 * number of bytes served.
 */
public final class ImageioTestServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a ticket serves. {@code dirty} is null for transfers that are not of an incremental backup. */
    public record Ticket(Path image, Supplier<List<long[]>> dirty) {}

    private final HttpsServer server;
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();
    private final Map<String, Long> expireAfter = new ConcurrentHashMap<>();
    private final Random random = new Random(16);
    public final AtomicLong requests = new AtomicLong();
    public final AtomicLong dropped = new AtomicLong();
    /** Data bytes served over every ticket, and the query of each {@code /extents} request, for end-to-end tests. */
    public final AtomicLong dataBytes = new AtomicLong();
    public final List<String> extentQueries = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile double dropRate;

    public ImageioTestServer(SelfSignedTestCertificate tls) throws IOException {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/images/", this::handle);
        server.start();
    }

    public String imageUrl(String ticket) {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/images/" + ticket;
    }

    public void addTicket(String id, Ticket t) {
        tickets.put(id, t);
        served.put(id, new AtomicLong());
    }

    public void removeTicket(String id) {
        tickets.remove(id);
    }

    public boolean hasTicket(String id) {
        return tickets.containsKey(id);
    }

    /** Drops this share of requests (0..1): the connection closes without an answer. */
    public void dropRate(double rate) {
        this.dropRate = rate;
    }

    /** The next ticket added expires (imageio forgets it: 403) once it has served this many bytes. */
    public void expireNextTicketAfter(long bytes) {
        expireAfter.put("next", bytes);
    }

    public long bytesServed(String ticket) {
        AtomicLong a = served.get(ticket);
        return a == null ? 0 : a.get();
    }

    private boolean drop() {
        double rate = dropRate;
        if (rate <= 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < rate;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            if (drop()) {
                dropped.incrementAndGet();
                return; // closed without an answer
            }
            String path = ex.getRequestURI().getPath().substring("/images/".length());
            boolean extents = path.endsWith("/extents");
            String id = extents ? path.substring(0, path.length() - "/extents".length()) : path;
            Ticket t = tickets.get(id);
            if (t == null) {
                send(ex, 403, "text/plain", ("You are not allowed to access this resource: No such ticket").getBytes());
                return;
            }
            Long next = expireAfter.remove("next");
            if (next != null) {
                expireAfter.put(id, next);
            }
            switch (ex.getRequestMethod()) {
                case "OPTIONS" -> send(ex, 200, "application/json",
                        "{\"features\": [\"extents\", \"zero\", \"flush\"], \"max_readers\": 8, \"max_writers\": 8}".getBytes());
                case "GET" -> {
                    if (extents) {
                        extents(ex, t);
                    } else {
                        read(ex, id, t);
                    }
                }
                default -> send(ex, 405, "text/plain", "method not allowed".getBytes());
            }
        }
    }

    private void extents(HttpExchange ex, Ticket t) throws IOException {
        String q = ex.getRequestURI().getQuery() == null ? "" : ex.getRequestURI().getQuery();
        extentQueries.add(q);
        List<Map<String, Object>> out = new ArrayList<>();
        if (q.contains("context=dirty")) {
            if (t.dirty() == null) {
                send(ex, 404, "text/plain", "dirty extents are available only for incremental backups".getBytes());
                return;
            }
            long size = size(t.image());
            long at = 0;
            for (long[] r : merge(t.dirty().get())) {
                if (r[0] > at) {
                    out.add(Map.of("start", at, "length", r[0] - at, "dirty", false));
                }
                out.add(Map.of("start", r[0], "length", r[1] - r[0], "dirty", true));
                at = r[1];
            }
            if (at < size) {
                out.add(Map.of("start", at, "length", size - at, "dirty", false));
            }
        } else {
            for (long[] e : zeroMap(t.image())) {
                out.add(Map.of("start", e[0], "length", e[1], "zero", e[2] == 1, "hole", e[2] == 1));
            }
        }
        send(ex, 200, "application/json", JSON.writeValueAsBytes(out));
    }

    /** {@code qemu-img map} of the raw image: [start, length, zero?1:0], merged. */
    static List<long[]> zeroMap(Path image) throws IOException {
        // a raw file converted from a qcow2 image (next to it) is mapped as the qcow2 volume imageio would serve
        Path qcow2 = image.resolveSibling(image.getFileName().toString().replaceFirst("\\.raw$", ".qcow2"));
        boolean fromQcow2 = !qcow2.equals(image) && java.nio.file.Files.exists(qcow2)
                && java.nio.file.Files.getLastModifiedTime(qcow2).compareTo(java.nio.file.Files.getLastModifiedTime(image)) <= 0;
        Process p = new ProcessBuilder("qemu-img", "map", "--output=json", "-f", fromQcow2 ? "qcow2" : "raw",
                (fromQcow2 ? qcow2 : image).toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("qemu-img map failed: " + new String(p.getErrorStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        List<long[]> map = new ArrayList<>();
        for (JsonNode n : JSON.readTree(out)) {
            long zero = n.path("zero").asBoolean() ? 1 : 0;
            long start = n.path("start").asLong();
            long len = n.path("length").asLong();
            if (!map.isEmpty() && map.get(map.size() - 1)[2] == zero && map.get(map.size() - 1)[0] + map.get(map.size() - 1)[1] == start) {
                map.get(map.size() - 1)[1] += len;
            } else {
                map.add(new long[] {start, len, zero});
            }
        }
        return map;
    }

    static List<long[]> merge(List<long[]> ranges) {
        List<long[]> sorted = new ArrayList<>(ranges.stream().map(long[]::clone).toList());
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> out = new ArrayList<>();
        for (long[] r : sorted) {
            if (!out.isEmpty() && out.get(out.size() - 1)[1] >= r[0]) {
                out.get(out.size() - 1)[1] = Math.max(out.get(out.size() - 1)[1], r[1]);
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private static long size(Path image) throws IOException {
        return java.nio.file.Files.size(image);
    }

    private void read(HttpExchange ex, String id, Ticket t) throws IOException {
        long size = size(t.image());
        String range = ex.getRequestHeaders().getFirst("Range");
        long start = 0;
        long end = size - 1;
        boolean partial = false;
        if (range != null) {
            Matcher m = RANGE.matcher(range);
            if (!m.matches()) {
                send(ex, 416, "text/plain", "bad range".getBytes());
                return;
            }
            start = Long.parseLong(m.group(1));
            end = Math.min(size - 1, Long.parseLong(m.group(2)));
            if (start >= size) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
                send(ex, 416, "text/plain", new byte[0]);
                return;
            }
            partial = true;
        }
        long limit = expireAfter.getOrDefault(id, Long.MAX_VALUE);
        AtomicLong count = served.get(id);
        if (count != null && count.get() >= limit) {
            tickets.remove(id); // expired: imageio forgets it
            send(ex, 403, "text/plain", "You are not allowed to access this resource: Ticket expired".getBytes());
            return;
        }
        long length = end - start + 1;
        if (partial) {
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(partial ? 206 : 200, length);
        try (FileChannel ch = FileChannel.open(t.image(), StandardOpenOption.READ); OutputStream out = ex.getResponseBody()) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(length, 1 << 20));
            long pos = start;
            while (pos <= end) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - pos + 1));
                int n = ch.read(buf, pos);
                if (n < 0) {
                    break;
                }
                out.write(buf.array(), 0, n);
                pos += n;
            }
        }
        if (count != null) {
            count.addAndGet(length);
        }
        dataBytes.addAndGet(length);
    }

    /** An answer with its length (none for an empty body); shared with the test engine. */
    static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
