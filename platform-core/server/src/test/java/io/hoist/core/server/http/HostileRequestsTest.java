package io.hoist.core.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends ten thousand malformed or hostile requests over raw sockets (so nothing is cleaned up by a
 * client library): bad JSON and YAML, wrong types, huge and deep bodies, path tricks, long names, bad
 * or missing tokens, odd methods. The server must never answer 5xx and must still work afterwards.
 * Runs with the real {@link MtvAdmission}. Seeded: {@code -Dhoist.hostile.seed=N} to vary, {@code -Dhoist.hostile.count=N} for more requests.
 */
class HostileRequestsTest {
    private static final long SEED = Long.getLong("hoist.hostile.seed", 42L);
    private static final int COUNT = Integer.getInteger("hoist.hostile.count", 10_000);

    private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO", "get"};
    private static final String[] PATHS = {
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans/p1",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans/p1/status",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/providers/vc",
        "/apis/forklift.konveyor.io/v1beta1/plans",
        "/api/v1/namespaces/demo/secrets",
        "/api/v1/namespaces/demo/secrets/s1",
        "/api/v1/namespaces/demo/configmaps/c1",
        "/openapi.json",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans/../../../../etc/passwd",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans/%2e%2e/%2e%2e/secrets",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/%2e%2e/plans",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans/a%2Fb",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans/a%00b",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans/%ff%fe",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans/%",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans/%zz",
        "/api/v1/namespaces/demo/secrets/..%2f..%2fplans",
        "//apis//forklift.konveyor.io//v1beta1",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans?watch=maybe",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans?watch=true&resourceVersion=-5",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans?watch=true&timeoutSeconds=abc",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans?watch=true&resourceVersion=99999999999999999999",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans?watch=true&timeoutSeconds=1",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/widgets/x",
        "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans/p1/status/extra",
        "*",
        "http://evil.example/apis/forklift.konveyor.io/v1beta1/plans",
        "/\u00e9\u00e8",
    };
    private static final String[] CONTENT_TYPES = {"application/json", "application/yaml", "application/merge-patch+json",
        "text/plain", "application/json; charset=latin1", "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded", ";;;", null};

    @TempDir
    Path dir;

    @Test
    void thousandsOfHostileRequestsNeverGet5xx() throws Exception {
        Random random = new Random(SEED);
        List<byte[]> bodies = bodies(random);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> serverErrors = new ArrayList<>();
        // The real admission: hostile bodies reach MTV's schema and rules too.
        try (RunningServer api = new RunningServer(HoistServer.builder().admission(new MtvAdmission()).namespaces("demo"), dir)) {
            assertThat(api.post("/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans", validPlan("p1")).status()).isEqualTo(201);
            URI base = URI.create(api.server.url());
            for (int i = 0; i < COUNT; i++) {
                String method = METHODS[random.nextInt(METHODS.length)];
                String path = path(random);
                String auth = switch (random.nextInt(25)) {
                    case 0 -> null;
                    case 1 -> "Bearer " + api.token.substring(1);
                    case 2 -> "Basic " + api.token;
                    case 3 -> "Bearer";
                    default -> "Bearer " + api.token;
                };
                String ct = random.nextBoolean() ? "application/json" : CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
                byte[] body = method.equals("GET") && random.nextBoolean() ? new byte[0] : bodies.get(random.nextInt(bodies.size()));
                int status = send(base, method, path, auth, ct, body, random.nextInt(20) == 0);
                statuses.merge(status, 1, Integer::sum);
                if (status >= 500) {
                    serverErrors.add(status + " " + method + " " + path + " ct=" + ct + " body=" + preview(body));
                }
            }
            assertThat(serverErrors).as("5xx responses").isEmpty();
            // Most requests got a real answer (a few huge bodies may be cut off after the 413).
            int answered = statuses.entrySet().stream().filter(e -> e.getKey() > 0).mapToInt(Map.Entry::getValue).sum();
            assertThat(answered).isGreaterThan(COUNT * 9 / 10);
            assertThat(statuses).containsKeys(400, 401, 404, 405, 413, 415);

            // Still alive and still correct (p1 itself may have been deleted by a random DELETE).
            assertThat(api.get("/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans").status()).isEqualTo(200);
            assertThat(api.post("/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans", validPlan("after-the-storm"))
                    .status()).isEqualTo(201);
            assertThat(api.get("/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans/after-the-storm").status()).isEqualTo(200);
        }
        System.out.println("hostile requests by status: " + statuses);
    }

    /** A Plan that MTV admission accepts. */
    static String validPlan(String name) {
        return "{\"apiVersion\":\"forklift.konveyor.io/v1beta1\",\"kind\":\"Plan\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"targetNamespace\":\"demo\",\"provider\":{\"source\":{\"name\":\"vsphere\",\"namespace\":\"demo\"},"
                + "\"destination\":{\"name\":\"host\",\"namespace\":\"demo\"}},\"map\":{\"network\":{\"name\":\"net\",\"namespace\":\"demo\"},"
                + "\"storage\":{\"name\":\"st\",\"namespace\":\"demo\"}},\"vms\":[{\"id\":\"vm-1\"}]}}";
    }

    private static String path(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans/" + "a".repeat(254 + random.nextInt(3000));
            case 1 -> "/apis/forklift.konveyor.io/v1beta1/namespaces/" + "n".repeat(64 + random.nextInt(200)) + "/plans";
            case 2 -> "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans/" + "x".repeat(10_000); // over the URI limit
            default -> PATHS[random.nextInt(PATHS.length)];
        };
    }

    private static List<byte[]> bodies(Random random) {
        List<String> text = new ArrayList<>(List.of(
                "", "{", "}", "null", "[]", "\"str\"", "42", "{\"metadata\":", "{\"metadata\":\"x\"}",
                "{\"metadata\":{\"name\":5}}", "{\"metadata\":{\"name\":\"p1\"},\"spec\":[]}", "{\"metadata\":{\"name\":null}}",
                "{\"metadata\":{\"name\":\"p1\",\"labels\":[1,2]}}", "{\"metadata\":{\"name\":\"p1\",\"annotations\":{\"a\":{}}}}",
                "{\"metadata\":{\"name\":\"p1\",\"resourceVersion\":7}}", "{\"metadata\":{\"name\":\"p1\",\"resourceVersion\":\"x\"}}",
                "{\"kind\":5,\"apiVersion\":[],\"metadata\":{\"name\":\"p1\"}}", "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"s1\"}}",
                "{\"metadata\":{\"name\":\"s1\"},\"data\":{\"k\":5}}", "{\"metadata\":{\"name\":\"s1\"},\"data\":\"x\"}",
                "{\"metadata\":{\"name\":\"s1\"},\"stringData\":[\"x\"]}", "{\"metadata\":{\"name\":\"s1\"},\"data\":{\"../k\":\"eA==\"}}",
                "{\"metadata\":{\"name\":\"vc\"},\"spec\":{\"type\":{},\"url\":[]}}",
                "{\"metadata\":{\"name\":\"p1\"},\"unknownField\":{\"deep\":[1,2,{\"x\":null}]},\"spec\":{\"bogus\":true}}",
                "{\"metadata\":{\"name\":\"p1\"},\"status\":\"Running\"}", "{\"status\":null,\"metadata\":null}",
                "{\"a\":1,\"a\":2}", "{\"metadata\":{\"name\":\"p1\"}} trailing", "{'single':'quotes'}",
                "{\"n\":1e999999}", "{\"n\":-}", "{\"s\":\"\\ud800\"}", "{\"s\":\"\u0000\"}",
                "metadata:\n  name: p1\nspec: {}\n", "metadata: [\n", "!!java.lang.Runtime {}\n",
                "metadata: !!binary AAAA\n", "a: &a [*a]\n", "--- {}\n--- {}\n", "\t\tmetadata:\n  - : :\n",
                "<xml/>", "\u00ff\u00fe\u0000\u0001"));
        // Nesting far beyond the limit, a YAML alias bomb and random mutations of a good object.
        text.add("[".repeat(50_000));
        text.add("{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000));
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int i = 0; i < 9; i++) {
            bomb.append((char) ('b' + i)).append(": &").append((char) ('b' + i)).append(" [")
                    .append(("*" + (char) ('a' + i) + ",").repeat(8)).append("*").append((char) ('a' + i)).append("]\n");
        }
        text.add(bomb.toString());
        String good = "{\"apiVersion\":\"forklift.konveyor.io/v1beta1\",\"kind\":\"Plan\",\"metadata\":{\"name\":\"p1\"},"
                + "\"spec\":{\"vms\":[{\"name\":\"vm\"}],\"warm\":true}}";
        for (int i = 0; i < 40; i++) {
            char[] c = good.toCharArray();
            for (int j = 0; j < 1 + random.nextInt(4); j++) {
                c[random.nextInt(c.length)] = (char) (32 + random.nextInt(95));
            }
            text.add(new String(c));
        }
        List<byte[]> out = new ArrayList<>();
        text.forEach(t -> out.add(t.getBytes(StandardCharsets.UTF_8)));
        byte[] garbage = new byte[4096];
        random.nextBytes(garbage);
        out.add(garbage);
        out.add(("{\"metadata\":{\"name\":\"huge\"},\"spec\":{\"x\":\"" + "A".repeat(3 * 1024 * 1024) + "\"}}")
                .getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /** One request on its own connection; returns the status, or 0 if the server closed without one. */
    private static int send(URI base, String method, String path, String auth, String contentType, byte[] body,
                            boolean lieAboutLength) throws IOException {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(15_000);
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
            head.append("Connection: close\r\n");
            if (auth != null) {
                head.append("Authorization: ").append(auth).append("\r\n");
            }
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            // Sometimes claim a shorter body than we send, leaving junk for the connection to choke on.
            int declared = lieAboutLength ? Math.max(0, body.length / 2) : body.length;
            head.append("Content-Length: ").append(declared).append("\r\n\r\n");
            OutputStream out = s.getOutputStream();
            try {
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                out.write(body);
                out.flush();
            } catch (IOException closedEarly) {
                // The server answered (e.g. 413, 401) and closed before reading everything: read the answer.
            }
            return readStatus(s.getInputStream());
        }
    }

    private static int readStatus(InputStream in) {
        try {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                line.append((char) c);
            }
            String[] parts = line.toString().trim().split(" ");
            return parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static String preview(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 80), StandardCharsets.UTF_8);
        return s.replace("\n", "\\n") + (body.length > 80 ? "...(" + body.length + " bytes)" : "");
    }
}
