package io.hoist.core.server.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Locale;
import io.hoist.core.model.YamlAliases;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Parses request bodies (JSON or YAML, by Content-Type) into objects. Errors name the line and column
 * but never quote the body: it may be a Secret.
 */
public final class RequestBodies {
    /** Larger bodies get 413 before they are parsed. */
    public static final long MAX_BODY_BYTES = 2L * 1024 * 1024;
    /** Deep enough for any real manifest, shallow enough to keep recursion bounded. */
    private static final int MAX_NESTING = 100;

    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING).maxStringLength((int) MAX_BODY_BYTES).build();
    private static final ObjectMapper JSON = configure(JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final ObjectMapper YAML;

    static {
        LoaderOptions loader = new LoaderOptions();
        loader.setMaxAliasesForCollections(20); // no "billion laughs"
        loader.setNestingDepthLimit(MAX_NESTING);
        loader.setCodePointLimit((int) MAX_BODY_BYTES);
        loader.setAllowDuplicateKeys(false);
        YAML = configure(new YAMLMapper(YAMLFactory.builder().loaderOptions(loader).build()));
    }

    private RequestBodies() {}

    private static ObjectMapper configure(ObjectMapper m) {
        m.getFactory().setStreamReadConstraints(LIMITS);
        m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return m;
    }

    public enum Format { JSON, YAML }

    /** Content types accepted for create and replace; none given means JSON. */
    public static Format formatOf(String contentType) {
        String ct = mediaType(contentType);
        if (ct.isEmpty() || ct.equals("application/json")) {
            return Format.JSON;
        }
        if (ct.equals("application/yaml") || ct.equals("application/x-yaml") || ct.equals("text/yaml")) {
            return Format.YAML;
        }
        throw ApiException.unsupportedMediaType(
                "unsupported Content-Type; use application/json or application/yaml");
    }

    /** Content types accepted for PATCH: JSON merge patch (RFC 7386). */
    public static void requireMergePatch(String contentType) {
        requireMergePatch(contentType, false);
    }

    /** The patch types the API applies. */
    public enum PatchType { MERGE, JSON_PATCH }

    /**
     * The patch type of a PATCH's Content-Type: JSON merge patch, JSON patch (RFC 6902), and where
     * {@code strategicAsMerge} a strategic merge patch read as a merge patch. Server-side apply is refused with a
     * 415 that says what to use instead: Hoist keeps no managedFields, and a server-side apply that ignored them
     * would take fields from their owners without a conflict.
     */
    public static PatchType patchType(String contentType, boolean strategicAsMerge) {
        String ct = mediaType(contentType);
        if (ct.equals("application/json-patch+json")) {
            return PatchType.JSON_PATCH;
        }
        if (ct.equals("application/apply-patch+yaml") || ct.equals("application/apply-patch+cbor")) {
            throw ApiException.unsupportedMediaType("server-side apply is not supported: Hoist keeps no field managers;"
                    + " use client-side apply (kubectl apply without --server-side, or hoist apply), which sends a"
                    + " merge patch computed from the last-applied configuration");
        }
        requireMergePatch(contentType, strategicAsMerge);
        return PatchType.MERGE;
    }

    /** The body as a JSON array (a JSON patch), or a 400. */
    public static com.fasterxml.jackson.databind.node.ArrayNode arrayBody(RoutingContext ctx) {
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw ApiException.badRequest("the request body is empty; send a JSON patch (an array of operations)");
        }
        JsonNode node = parse(body.getBytes(), Format.JSON);
        if (node == null || !node.isArray()) {
            throw ApiException.badRequest("a JSON patch must be an array of operations such as"
                    + " [{\"op\":\"replace\",\"path\":\"/spec/warm\",\"value\":true}]");
        }
        return (com.fasterxml.jackson.databind.node.ArrayNode) node;
    }

    /**
     * Like {@link #requireMergePatch(String)}, and where {@code strategicAsMerge} also a strategic merge patch,
     * which kubectl sends when it applies or patches a built-in kind (Secret, ConfigMap): for objects made of
     * string maps it means the same as a merge patch. The caller refuses its {@code $} directives.
     */
    public static void requireMergePatch(String contentType, boolean strategicAsMerge) {
        String ct = mediaType(contentType);
        boolean strategic = ct.equals("application/strategic-merge-patch+json");
        if (!ct.equals("application/merge-patch+json") && !ct.equals("application/json") && !(strategic && strategicAsMerge)) {
            throw ApiException.unsupportedMediaType("unsupported patch Content-Type; JSON merge patch"
                    + (strategicAsMerge ? ", strategic merge patch without $ directives" : "")
                    + " and JSON patch are supported: use application/merge-patch+json (kubectl patch --type=merge)"
                    + " or application/json-patch+json (kubectl patch --type=json)");
        }
    }

    /** Refuses strategic-merge directives ({@code $patch}, {@code $setElementOrder/...}, ...), naming the field. */
    public static void requireNoPatchDirectives(com.fasterxml.jackson.databind.JsonNode node, String path) {
        if (node.isObject()) {
            var fields = node.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                String at = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                if (f.getKey().startsWith("$")) {
                    throw ApiException.unsupportedMediaType("patch field " + at + ": strategic merge directives are not"
                            + " supported; send a JSON merge patch (kubectl patch --type=merge)");
                }
                requireNoPatchDirectives(f.getValue(), at);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireNoPatchDirectives(node.get(i), path + "[" + i + "]");
            }
        }
    }

    public static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** The body as a JSON object, or a 400 naming where the syntax broke. */
    public static ObjectNode objectBody(RoutingContext ctx, Format format) {
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw ApiException.badRequest("the request body is empty; send a JSON or YAML object");
        }
        JsonNode node = parse(body.getBytes(), format);
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("the request body must be a " + format + " object");
        }
        return (ObjectNode) node;
    }

    static JsonNode parse(byte[] bytes, Format format) {
        if (bytes.length > MAX_BODY_BYTES) { // the body handler refuses these first; this is for other callers
            throw new ApiException(413, "RequestEntityTooLarge", "request body is " + bytes.length
                    + " bytes, more than the limit of " + MAX_BODY_BYTES);
        }
        try {
            if (format == Format.JSON) {
                return JSON.readTree(bytes);
            }
            try (com.fasterxml.jackson.core.JsonParser p = YamlAliases.refusing(YAML.getFactory().createParser(bytes))) {
                JsonNode node = YAML.readTree(p);
                if (p.nextToken() != null) {
                    throw ApiException.badRequest("the request body holds more than one YAML document; send one object");
                }
                return node;
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            // our own refusals (aliases) say what to do; parser messages may quote the body, so they are not echoed
            String why = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("YAML alias")
                    ? ": " + e.getOriginalMessage() : "";
            throw ApiException.badRequest("malformed " + format + " in request body" + where + why);
        } catch (ApiException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // SnakeYAML limits (aliases, nesting, size) surface as runtime exceptions without a location.
            throw ApiException.badRequest("malformed " + format + " in request body");
        }
    }
}
