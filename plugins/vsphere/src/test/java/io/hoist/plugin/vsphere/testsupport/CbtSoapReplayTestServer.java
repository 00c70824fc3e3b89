package io.hoist.plugin.vsphere.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.tls.ProviderHttpClients;
import io.hoist.testkit.tls.SelfSignedTestCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * vcsim has no changed block tracking, so this HTTPS server sits in front of it and answers the CBT
 * parts from hand-written SOAP: {@code QueryChangedDiskAreas} replies come from a test-given function
 * of the change id (paged like vCenter does), and snapshot configs get a {@code changeId} per disk
 * ({@code cbt-<snapshot moRef>}). Every other call is forwarded to vcsim unchanged. It can also fail
 * {@code CreateSnapshot_Task} with a hand-written fault. Its TLS certificate is the testkit's {@link SelfSignedTestCertificate}.
 */
public final class CbtSoapReplayTestServer implements AutoCloseable {
    public record Query(String vm, String snapshot, int deviceKey, long startOffset, String changeId) {}

    public final List<Query> queries = new CopyOnWriteArrayList<>();
    public final AtomicInteger createSnapshotFailuresLeft = new AtomicInteger();
    public volatile Function<String, List<long[]>> changedAreasSince = id -> List.of();
    public volatile long capacity;
    public volatile long pageBytes = 1 << 20;
    private final HttpsServer server;
    private final HttpClient upstream;
    private final URI upstreamUrl;
    private final String caPem;

    public CbtSoapReplayTestServer(Vcsim vcsim) throws Exception {
        this.upstreamUrl = URI.create(vcsim.url);
        this.upstream = new ProviderHttpClients().client(new TlsSettings(vcsim.caPem(), null, false), Duration.ofSeconds(10));
        SelfSignedTestCertificate tls = SelfSignedTestCertificate.create();
        this.caPem = tls.caPem;
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The SDK URL of this server (same path as vcsim's). */
    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + upstreamUrl.getPath();
    }

    /** The PEM certificate to trust for this server. */
    public String caPem() {
        return caPem;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String req = new String(body, StandardCharsets.UTF_8);
            String method = find(req, "<(\\w+) xmlns=\"urn:vim25\">");
            if ("QueryChangedDiskAreas".equals(method)) {
                reply(ex, 200, queryChangedDiskAreas(req), List.of());
                return;
            }
            if ("CreateSnapshot_Task".equals(method) && createSnapshotFailuresLeft.getAndDecrement() > 0) {
                reply(ex, 500, fault("SnapshotFault", "An error occurred while saving the snapshot: msg.snapshot.error-DISKFULL"),
                        List.of());
                return;
            }
            HttpRequest.Builder fwd = HttpRequest.newBuilder(upstreamUrl.resolve(ex.getRequestURI().toString()))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            for (String h : List.of("Cookie", "SOAPAction", "Content-Type", "Range")) {
                String v = ex.getRequestHeaders().getFirst(h);
                if (v != null) {
                    fwd.header(h, v);
                }
            }
            if (method == null) { // not SOAP (a datastore /folder download): bytes, status and range as they come
                HttpResponse<byte[]> raw = upstream.send(fwd.build(), HttpResponse.BodyHandlers.ofByteArray());
                raw.headers().firstValue("Content-Range").ifPresent(v -> ex.getResponseHeaders().set("Content-Range", v));
                ex.getResponseHeaders().set("Content-Type", raw.headers().firstValue("Content-Type").orElse("application/octet-stream"));
                ex.sendResponseHeaders(raw.statusCode(), raw.body().length == 0 ? -1 : raw.body().length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(raw.body());
                }
                return;
            }
            HttpResponse<String> resp = upstream.send(fwd.build(), HttpResponse.BodyHandlers.ofString());
            String out = resp.body();
            if ("RetrievePropertiesEx".equals(method) && req.contains("type=\"VirtualMachineSnapshot\"")) {
                String snap = find(req, "type=\"VirtualMachineSnapshot\">([^<]+)<");
                out = out.replace("<diskMode>persistent</diskMode>",
                        "<diskMode>persistent</diskMode><changeId>cbt-" + snap + "</changeId>");
            }
            List<String> cookies = resp.headers().allValues("Set-Cookie");
            reply(ex, resp.statusCode(), out, cookies);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String queryChangedDiskAreas(String req) {
        long start = Long.parseLong(find(req, "<startOffset>(\\d+)</startOffset>"));
        String changeId = find(req, "<changeId>([^<]*)</changeId>");
        queries.add(new Query(find(req, "<_this type=\"VirtualMachine\">([^<]+)<"),
                find(req, "<snapshot type=\"VirtualMachineSnapshot\">([^<]+)<"),
                Integer.parseInt(find(req, "<deviceKey>(\\d+)</deviceKey>")), start, changeId));
        long end = Math.min(capacity, start + pageBytes);
        StringBuilder sb = new StringBuilder("<QueryChangedDiskAreasResponse xmlns=\"urn:vim25\"><returnval>")
                .append("<startOffset>").append(start).append("</startOffset><length>").append(end - start)
                .append("</length>");
        for (long[] a : changedAreasSince.apply(changeId)) {
            long s = Math.max(a[0], start);
            long e = Math.min(a[0] + a[1], end);
            if (s < e) {
                sb.append("<changedArea><start>").append(s).append("</start><length>").append(e - s)
                        .append("</length></changedArea>");
            }
        }
        sb.append("</returnval></QueryChangedDiskAreasResponse>");
        return envelope(sb.toString());
    }

    private static String fault(String type, String message) {
        return envelope("<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>" + message
                + "</faultstring><detail><" + type + "Fault xmlns=\"urn:vim25\" xsi:type=\"" + type + "\"></" + type
                + "Fault></detail></soapenv:Fault>");
    }

    private static String envelope(String body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope"
                + " xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""
                + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>" + body
                + "</soapenv:Body></soapenv:Envelope>";
    }

    private static void reply(HttpExchange ex, int status, String body, List<String> cookies) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/xml; charset=utf-8");
        for (String c : cookies) {
            ex.getResponseHeaders().add("Set-Cookie", c);
        }
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    private static String find(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        return m.find() ? m.group(1) : null;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    static List<long[]> areas(long... startLength) {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i + 1 < startLength.length; i += 2) {
            out.add(new long[] {startLength[i], startLength[i + 1]});
        }
        return out;
    }
}
