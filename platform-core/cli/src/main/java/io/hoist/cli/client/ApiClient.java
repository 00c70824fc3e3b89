package io.hoist.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.CliException;
import io.hoist.core.model.ResourceKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The Hoist REST API as the CLI uses it: Kubernetes-style paths, bearer token, Status errors turned
 * into {@link ApiException}s with one {@code field: message} line per cause.
 */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Connection connection;
    private final HttpClient http;

    public ApiClient(Connection connection) {
        this.connection = connection;
        // The JDK counts the TLS handshake in the connect timeout: a cold CLI JVM's first handshake took over 10 s on
        // a loaded 2-core machine (hoist serve is https by default)
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30));
        if (connection.url().startsWith("https:")) {
            builder.sslContext(sslContext(connection));
        }
        this.http = builder.build();
    }

    public String url() {
        return connection.url();
    }

    /** {@code /apis/forklift.konveyor.io/v1beta1/namespaces/NS/plural[/name]} or {@code /api/v1/...} for core kinds. */
    public static String path(ResourceKind kind, String namespace, String name) {
        String base = kind.group().isEmpty() ? "/api/" + kind.version() : "/apis/" + kind.group() + "/" + kind.version();
        String path = base + "/namespaces/" + encode(namespace) + "/" + kind.plural();
        return name == null ? path : path + "/" + encode(name);
    }

    public Optional<ObjectNode> find(ResourceKind kind, String namespace, String name) {
        try {
            return Optional.of((ObjectNode) send("GET", path(kind, namespace, name), null));
        } catch (ApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Gets one object; a missing one is a clear error naming kind, name and namespace. */
    public ObjectNode get(ResourceKind kind, String namespace, String name) {
        return find(kind, namespace, name).orElseThrow(() -> new CliException(
                kind.singular() + " '" + name + "' not found in namespace '" + namespace + "'"));
    }

    public List<ObjectNode> list(ResourceKind kind, String namespace) {
        JsonNode list = send("GET", path(kind, namespace, null), null);
        List<ObjectNode> items = new ArrayList<>();
        list.path("items").forEach(i -> items.add((ObjectNode) i));
        return items;
    }

    /** Every namespace's objects of a forklift kind (the API lists core kinds per namespace only). */
    public List<ObjectNode> listAllNamespaces(ResourceKind kind) {
        if (kind.group().isEmpty()) {
            throw new CliException("--all-namespaces is not available for " + kind.plural() + "; use -n NAMESPACE");
        }
        JsonNode list = send("GET", "/apis/" + kind.group() + "/" + kind.version() + "/" + kind.plural(), null);
        List<ObjectNode> items = new ArrayList<>();
        list.path("items").forEach(i -> items.add((ObjectNode) i));
        return items;
    }

    /**
     * Streams watch events ({@code type}, {@code object}) of a kind, starting with an ADDED per existing
     * object, until the server ends the stream after {@code timeoutSeconds} or the thread is interrupted.
     * {@code namespace} null watches every namespace (forklift kinds).
     */
    public void watch(ResourceKind kind, String namespace, int timeoutSeconds, java.util.function.Consumer<JsonNode> events) {
        String path = namespace == null
                ? "/apis/" + kind.group() + "/" + kind.version() + "/" + kind.plural()
                : path(kind, namespace, null);
        HttpRequest request = HttpRequest.newBuilder(URI.create(connection.url() + path + "?watch=true&timeoutSeconds="
                        + timeoutSeconds))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + connection.token())
                .header("Accept", "application/json")
                .GET().build();
        HttpResponse<java.util.stream.Stream<String>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (ConnectException e) {
            throw new CliException("cannot reach the server at " + connection.url() + ": connection refused"
                    + " (is 'hoist serve' running?)");
        } catch (IOException e) {
            throw new CliException("cannot talk to the server at " + connection.url() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        try (java.util.stream.Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                throw error(response.statusCode(), lines.collect(java.util.stream.Collectors.joining("\n")));
            }
            lines.filter(l -> !l.isBlank()).forEach(line -> {
                JsonNode event = parse(line, 200);
                if ("ERROR".equals(event.path("type").asText())) {
                    JsonNode st = event.path("object");
                    throw new ApiException(st.path("code").asInt(500), st.path("reason").asText(""),
                            "watch ended: " + st.path("message").asText("error"), List.of());
                }
                events.accept(event);
            });
        } catch (java.io.UncheckedIOException e) {
            throw new CliException("the watch stream from " + connection.url() + " broke: " + e.getCause().getMessage());
        }
    }

    public ObjectNode create(ResourceKind kind, String namespace, ObjectNode object) {
        return (ObjectNode) send("POST", path(kind, namespace, null), object);
    }

    public ObjectNode replace(ResourceKind kind, String namespace, String name, ObjectNode object) {
        return (ObjectNode) send("PUT", path(kind, namespace, name), object);
    }

    /** A JSON merge patch; the server retries it on its own write conflicts (it carries no resourceVersion). */
    public ObjectNode mergePatch(ResourceKind kind, String namespace, String name, ObjectNode patch, boolean dryRun) {
        String path = path(kind, namespace, name) + (dryRun ? "?dryRun=All" : "");
        HttpResponse<String> response = exchange("PATCH", path, patch, "application/json",
                "application/merge-patch+json", HttpResponse.BodyHandlers.ofString());
        return (ObjectNode) parse(response.body(), response.statusCode());
    }

    public void delete(ResourceKind kind, String namespace, String name) {
        try {
            send("DELETE", path(kind, namespace, name), null);
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw new CliException(kind.singular() + " '" + name + "' not found in namespace '" + namespace + "'");
            }
            throw e;
        }
    }

    // ---- namespaces (/api/v1/namespaces: not a ResourceKind, they are kept beside the store) ----

    static final String NAMESPACES = "/api/v1/namespaces";

    public Optional<ObjectNode> findNamespace(String name) {
        try {
            return Optional.of((ObjectNode) send("GET", NAMESPACES + "/" + encode(name), null));
        } catch (ApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public List<ObjectNode> namespaces() {
        List<ObjectNode> items = new ArrayList<>();
        send("GET", NAMESPACES, null).path("items").forEach(i -> items.add((ObjectNode) i));
        return items;
    }

    /** Creates a namespace from a v1 Namespace object (name, labels, annotations). */
    public ObjectNode createNamespace(ObjectNode namespace) {
        return (ObjectNode) send("POST", NAMESPACES, namespace);
    }

    /** Creates {@code name} unless it exists; true when this call created it. */
    public boolean ensureNamespace(String name) {
        ObjectNode ns = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
        ns.putObject("metadata").put("name", name);
        try {
            createNamespace(ns);
            return true;
        } catch (ApiException e) {
            if (e.status() == 409) {
                return false;
            }
            throw e;
        }
    }

    /** A merge patch of a namespace's labels and annotations. */
    public ObjectNode patchNamespace(String name, ObjectNode patch) {
        HttpResponse<String> response = exchange("PATCH", NAMESPACES + "/" + encode(name), patch, "application/json",
                "application/merge-patch+json", HttpResponse.BodyHandlers.ofString());
        return (ObjectNode) parse(response.body(), response.statusCode());
    }

    public void deleteNamespace(String name) {
        try {
            send("DELETE", NAMESPACES + "/" + encode(name), null);
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw new CliException("namespace '" + name + "' not found");
            }
            throw e;
        }
    }

    /** A GET of any API path (e.g. {@code /api/v1/plugins}). */
    public JsonNode getPath(String path) {
        return send("GET", path, null);
    }

    /** A GET of an API path that answers plain text (e.g. a plan's {@code log}). */
    public String getText(String path) {
        return exchange("GET", path, null, "text/plain", HttpResponse.BodyHandlers.ofString()).body();
    }

    private JsonNode send(String method, String path, JsonNode body) {
        HttpResponse<String> response = exchange(method, path, body, "application/json", HttpResponse.BodyHandlers.ofString());
        return parse(response.body(), response.statusCode());
    }

    /** A GET of an API path that answers bytes (the must-gather archive). */
    public byte[] getBytes(String path, String accept) {
        return exchange("GET", path, null, accept, HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    private <T> HttpResponse<T> exchange(String method, String path, JsonNode body, String accept,
                                         HttpResponse.BodyHandler<T> handler) {
        return exchange(method, path, body, accept, "application/json", handler);
    }

    private <T> HttpResponse<T> exchange(String method, String path, JsonNode body, String accept, String contentType,
                                         HttpResponse.BodyHandler<T> handler) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(connection.url() + path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + connection.token())
                .header("Accept", accept);
        if (body != null) {
            request.header("Content-Type", contentType)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<T> response;
        try {
            response = http.send(request.build(), handler);
        } catch (ConnectException e) {
            throw new CliException("cannot reach the server at " + connection.url() + ": connection refused"
                    + " (is 'hoist serve' running?)");
        } catch (HttpTimeoutException e) {
            throw new CliException("the server at " + connection.url() + " did not answer in time");
        } catch (SSLHandshakeException e) {
            throw new CliException("TLS handshake with " + connection.url() + " failed: " + e.getMessage()
                    + " (trust its CA with --cacert FILE)");
        } catch (IOException e) {
            throw new CliException("cannot talk to the server at " + connection.url() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response;
        }
        throw error(status, response.body() instanceof byte[] bytes
                ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(response.body()));
    }

    private static JsonNode parse(String body, int status) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new CliException("the server answered " + status + " with a body that is not JSON");
        }
    }

    private ApiException error(int status, String body) {
        JsonNode st;
        try {
            st = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            st = JSON.createObjectNode();
        }
        String message = st.path("message").asText("");
        if (status == 401) {
            message = "unauthorized: the server at " + connection.url() + " rejected the token"
                    + " (check --token, " + ServerLocator.ENV_TOKEN + " or DATA/token)";
        } else if (message.isBlank()) {
            message = "the server answered HTTP " + status;
        }
        List<String> causes = new ArrayList<>();
        for (JsonNode cause : st.path("details").path("causes")) {
            String field = cause.path("field").asText("");
            String msg = cause.path("message").asText("");
            causes.add(field.isEmpty() ? msg : field + ": " + msg);
        }
        return new ApiException(status, st.path("reason").asText(""), message, causes);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static SSLContext sslContext(Connection connection) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            if (connection.insecure()) {
                // Only on --insecure-skip-tls-verify; the command warns on stderr. An X509ExtendedTrustManager
                // also owns the host name check, so this turns verification off for this client only.
                ctx.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
            } else if (connection.caCert() != null) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                try (InputStream in = Files.newInputStream(connection.caCert())) {
                    int i = 0;
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        store.setCertificateEntry("ca-" + i++, c);
                    }
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
            } else {
                return SSLContext.getDefault();
            }
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new CliException("--cacert: cannot load " + connection.caCert() + ": " + e.getMessage());
        }
    }

    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
