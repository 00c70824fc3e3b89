package io.hoist.plugin.openstack.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.HoistException;
import io.hoist.plugin.openstack.OpenstackConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.api.exceptions.ResponseException;
import org.openstack4j.api.types.Facing;
import org.openstack4j.core.transport.Config;
import org.openstack4j.core.transport.ObjectMapperSingleton;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.openstack.OSFactory;
import org.openstack4j.openstack.identity.v3.domain.KeystoneToken;

/**
 * One provider's Keystone login and the calls made with it. The token is got here (password, token or
 * application credential: openstack4j 3.12 has no application credentials, so the request is ours) and
 * handed to openstack4j, whose typed services run the calls; {@link #json} reads an API's own JSON where
 * openstack4j's model drops fields (microversioned server details, image properties). A call refused
 * with 401 (token expired or revoked) logs in again and runs once more.
 */
public final class KeystoneSession {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Servers with the flavor embedded (2.47: survives a deleted flavor) and tags. */
    public static final String NOVA_MICROVERSION = "2.53";

    private final OpenstackConfig config;
    private final Config transport;
    private final HttpClient http;
    private volatile KeystoneToken token;

    public KeystoneSession(OpenstackConfig config, SSLContext ssl) {
        this.config = config;
        this.transport = Config.newConfig().withSSLContext(ssl).withConnectionTimeout(30_000).withReadTimeout(300_000);
        this.http = JdkHttpConnector.client(transport);
    }

    public OpenstackConfig config() {
        return config;
    }

    /** The current token's id, logging in first if needed (for the Glance download's X-Auth-Token). */
    public String tokenId() {
        return token().getId();
    }

    /** The scoped project's id. */
    public String projectId() {
        return token().getProject().getId();
    }

    public synchronized KeystoneToken token() {
        if (token == null || token.getExpires() != null
                && token.getExpires().toInstant().isBefore(Instant.now().plusSeconds(60))) {
            token = login();
        }
        return token;
    }

    /** Drops the token so the next call logs in again (after a 401). */
    public synchronized void invalidate(KeystoneToken stale) {
        if (token == stale) {
            token = null;
        }
    }

    /** Drops whatever token is current (a download saw it refused). */
    public synchronized void invalidateCurrent() {
        token = null;
    }

    /** Logs in now; failures are {@link HoistException}s with the reason a connection test reports. */
    public synchronized KeystoneToken login() {
        try {
            return authenticate(true);
        } catch (HoistException e) {
            // Keystone answers a scope the user cannot have (no such project, or no role on it) with the same 401 as
            // wrong credentials; an unscoped login with the same credentials tells the two apart
            if (!"ConnectionAuthFailed".equals(e.code()) || config.authType() == OpenstackConfig.AuthType.APPLICATION_CREDENTIAL
                    || !identityAccepted()) {
                throw e;
            }
            String project = config.projectId() != null ? "projectID " + config.projectId()
                    : "projectName " + config.projectName() + " (domainName " + config.domainName() + ")";
            throw new HoistException(HoistException.Type.USER_ERROR, "ProjectNotFound", "Keystone accepted "
                    + config.principal() + " but not the Secret's " + project
                    + ": no such project, or no role on it for this user", e);
        }
    }

    /** True when Keystone accepts the credentials without a project scope. */
    private boolean identityAccepted() {
        try {
            authenticate(false);
            return true;
        } catch (HoistException e) {
            return false;
        }
    }

    private KeystoneToken authenticate(boolean scoped) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode identity = body.putObject("auth").putObject("identity");
        ArrayNode methods = identity.putArray("methods");
        switch (config.authType()) {
            case PASSWORD -> {
                methods.add("password");
                ObjectNode user = identity.putObject("password").putObject("user");
                if (config.userId() != null && config.username() == null) {
                    user.put("id", config.userId());
                } else {
                    user.put("name", config.username());
                    user.putObject("domain").put("name", config.domainName());
                }
                user.put("password", config.password());
            }
            case TOKEN -> {
                methods.add("token");
                identity.putObject("token").put("id", config.token());
            }
            case APPLICATION_CREDENTIAL -> {
                methods.add("application_credential");
                ObjectNode ac = identity.putObject("application_credential");
                if (config.appCredentialId() != null) {
                    ac.put("id", config.appCredentialId());
                } else {
                    ac.put("name", config.appCredentialName());
                    ac.putObject("user").put("name", config.username()).putObject("domain").put("name", config.domainName());
                }
                ac.put("secret", config.appCredentialSecret());
            }
        }
        if (scoped && config.authType() != OpenstackConfig.AuthType.APPLICATION_CREDENTIAL) { // those are scoped already
            ObjectNode project = body.with("auth").putObject("scope").putObject("project");
            if (config.projectId() != null) {
                project.put("id", config.projectId());
            } else {
                project.put("name", config.projectName());
                project.putObject("domain").put("name", config.domainName());
            }
        }
        URI uri = URI.create(config.authUrl() + "/auth/tokens");
        HttpResponse<InputStream> r;
        try {
            r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HoistException(HoistException.Type.UNAVAILABLE, "Interrupted", "login interrupted");
        } catch (IOException e) {
            throw new HoistException(HoistException.Type.UNAVAILABLE, "ConnectionTestFailed",
                    "Keystone " + config.authUrl() + ": " + Errors.describe(e), e);
        }
        try (InputStream in = r.body()) {
            byte[] bytes = in.readAllBytes();
            if (r.statusCode() == 404 && config.authType() == OpenstackConfig.AuthType.TOKEN) {
                throw new HoistException(HoistException.Type.AUTH, "ConnectionAuthFailed",
                        "Keystone no longer knows the Secret's token (expired or revoked): "
                                + Errors.keystoneMessage(bytes) + "; issue a new one (openstack token issue)");
            }
            if (r.statusCode() == 401 || r.statusCode() == 403) {
                throw new HoistException(HoistException.Type.AUTH, "ConnectionAuthFailed",
                        "Keystone refused " + config.principal() + " (HTTP " + r.statusCode() + "): "
                                + Errors.keystoneMessage(bytes) + "; check the Secret's credentials, domainName and"
                                + " projectName");
            }
            if (r.statusCode() == 404 && config.authType() != OpenstackConfig.AuthType.APPLICATION_CREDENTIAL) {
                throw new HoistException(HoistException.Type.USER_ERROR, "ProjectNotFound",
                        "Keystone found no project " + (config.projectId() != null ? config.projectId() : config.projectName())
                                + " in domain " + config.domainName() + ": " + Errors.keystoneMessage(bytes));
            }
            if (r.statusCode() != 201 && r.statusCode() != 200) {
                throw new HoistException(HoistException.Type.UNAVAILABLE, "ConnectionTestFailed",
                        "Keystone " + uri + " answered HTTP " + r.statusCode() + ": " + Errors.keystoneMessage(bytes));
            }
            KeystoneToken t = ObjectMapperSingleton.getContext(KeystoneToken.class).reader(KeystoneToken.class).readValue(bytes);
            t.setId(r.headers().firstValue("X-Subject-Token").orElseThrow(
                    () -> new IOException("Keystone's answer has no X-Subject-Token header")));
            t.setEndpoint(config.authUrl().toString());
            if (t.getProject() == null && scoped) {
                throw new HoistException(HoistException.Type.USER_ERROR, "ProjectNotFound",
                        "the token of " + config.principal() + " is not scoped to a project");
            }
            return t;
        } catch (IOException e) {
            throw new HoistException(HoistException.Type.UNAVAILABLE, "ConnectionTestFailed",
                    "Keystone " + uri + ": unreadable answer (" + e.getMessage() + ")", e);
        }
    }

    /** An openstack4j client for this thread (openstack4j keeps its session per thread), in the region. */
    private OSClientV3 client(KeystoneToken t) {
        OSClientV3 os = OSFactory.clientFromToken(t, Facing.PUBLIC, transport);
        if (config.regionName() != null) {
            os.useRegion(config.regionName());
        }
        return os;
    }

    /**
     * Runs {@code fn} with an openstack4j client. A 401 logs in again and repeats once; other failures
     * become {@link HoistException}s naming {@code what}.
     */
    public <T> T call(String what, Function<OSClientV3, T> fn) {
        for (int attempt = 0; ; attempt++) {
            KeystoneToken t = token();
            try {
                T result = fn.apply(client(t));
                if (result instanceof ActionResponse ar && !ar.isSuccess()) {
                    if (ar.getCode() == 401 && attempt == 0) {
                        invalidate(t);
                        continue;
                    }
                    if (ar.getCode() == 404) {
                        throw new HoistException(HoistException.Type.USER_ERROR, "NotFound", what + ": not found ("
                                + ar.getFault() + ")");
                    }
                    throw Errors.fromStatus(what, ar.getCode(), ar.getFault());
                }
                return result;
            } catch (ConnectionException e) {
                throw new HoistException(HoistException.Type.UNAVAILABLE, "SourceUnavailable",
                        what + ": " + e.getMessage(), e);
            } catch (ResponseException e) {
                if (e.getStatus() == 401 && attempt == 0) {
                    invalidate(t);
                    continue;
                }
                throw Errors.fromStatus(what, e.getStatus(), e.getMessage());
            }
        }
    }

    /** The public URL of a catalog service (compute, volumev3, image, network, identity) in the region. */
    public URI endpoint(String serviceType) {
        KeystoneToken t = token();
        for (var svc : t.getCatalog()) {
            if (!serviceType.equals(svc.getType())) {
                continue;
            }
            for (var ep : svc.getEndpoints()) {
                if (ep.getIface() != null && ep.getIface().name().equalsIgnoreCase("public")
                        && (config.regionName() == null || config.regionName().equals(ep.getRegion()))) {
                    return URI.create(ep.getUrl().toString().replaceAll("/+$", ""));
                }
            }
        }
        throw new HoistException(HoistException.Type.USER_ERROR, "EndpointNotFound", "the Keystone catalog has no public "
                + serviceType + " endpoint" + (config.regionName() == null ? "" : " in region " + config.regionName()));
    }

    /** GET {@code path} of a catalog service as JSON (401: logs in again once). */
    public JsonNode json(String serviceType, String path) {
        return json(serviceType, path, Map.of());
    }

    public JsonNode json(String serviceType, String path, Map<String, String> headers) {
        for (int attempt = 0; ; attempt++) {
            KeystoneToken t = token();
            URI uri = URI.create(endpoint(serviceType) + path);
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                    .header("X-Auth-Token", t.getId()).header("Accept", "application/json");
            if ("compute".equals(serviceType)) {
                b.header("X-OpenStack-Nova-API-Version", NOVA_MICROVERSION);
            }
            headers.forEach(b::header);
            try {
                HttpResponse<byte[]> r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() == 401 && attempt == 0) {
                    invalidate(t);
                    continue;
                }
                if (r.statusCode() == 404) {
                    return null;
                }
                if (r.statusCode() / 100 != 2) {
                    throw Errors.fromStatus("GET " + serviceType + path, r.statusCode(), Errors.keystoneMessage(r.body()));
                }
                return JSON.readTree(r.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HoistException(HoistException.Type.UNAVAILABLE, "Interrupted", "interrupted");
            } catch (IOException e) {
                throw new HoistException(HoistException.Type.UNAVAILABLE, "SourceUnavailable",
                        "GET " + serviceType + path + ": " + Errors.describe(e), e);
            }
        }
    }
}
