package io.hoist.core.model.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.admission.Cause;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validates objects against MTV's CRD schemas ({@code crds/*.yaml}, copied from kubev2v/forklift). The
 * {@code openAPIV3Schema} is translated once into a draft-4 JSON Schema: {@code nullable: true} adds
 * {@code "null"} to the type, {@code x-kubernetes-int-or-string} becomes integer-or-string, other
 * {@code x-kubernetes-*} extensions (list/map types, preserve-unknown-fields) carry no check that applies
 * to a single object and are dropped. Unknown fields are accepted (kept, not pruned) so manifests from a
 * newer MTV still round-trip.
 */
public final class CrdSchemas {
    private static final Map<ResourceKind, String> FILES = Map.of(
            ResourceKind.PROVIDER, "forklift.konveyor.io_providers.yaml",
            ResourceKind.HOST, "forklift.konveyor.io_hosts.yaml",
            ResourceKind.NETWORK_MAP, "forklift.konveyor.io_networkmaps.yaml",
            ResourceKind.STORAGE_MAP, "forklift.konveyor.io_storagemaps.yaml",
            ResourceKind.PLAN, "forklift.konveyor.io_plans.yaml",
            ResourceKind.MIGRATION, "forklift.konveyor.io_migrations.yaml",
            ResourceKind.HOOK, "forklift.konveyor.io_hooks.yaml");

    /** Loaded on first use per kind: the Plan schema alone takes about a second to build. */
    private static final Map<ResourceKind, JsonSchema> SCHEMAS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .build();

    private CrdSchemas() {
    }

    /** True when MTV publishes a CRD schema for the kind (not for ForkliftController, Secret, ConfigMap). */
    public static boolean hasSchema(ResourceKind kind) {
        return FILES.containsKey(kind);
    }

    /** Builds every schema now (e.g. on a background thread at server start) instead of at first use. */
    public static void preloadAll() {
        FILES.keySet().forEach(CrdSchemas::schema);
    }

    /** The kinds with a schema. */
    public static java.util.Set<ResourceKind> kinds() {
        return java.util.Collections.unmodifiableSet(FILES.keySet());
    }

    /**
     * One cause per schema violation, with Kubernetes-style field paths ({@code spec.vms[0].hooks}),
     * sorted by path. Explicit nulls should be dropped first (as the API server prunes them).
     */
    public static List<Cause> validate(ResourceKind kind, JsonNode object) {
        if (!FILES.containsKey(kind)) {
            return List.of();
        }
        JsonSchema schema = schema(kind);
        List<Cause> causes = new ArrayList<>();
        for (ValidationMessage m : schema.validate(object)) {
            causes.add(toCause(m));
        }
        causes.sort(Comparator.comparing(Cause::field).thenComparing(Cause::message));
        return causes;
    }

    /**
     * For code that writes objects (the engine writing status): throws IllegalStateException listing the
     * violations, so a status MTV's schema would refuse is never stored.
     */
    public static void requireValid(ResourceKind kind, JsonNode object) {
        List<Cause> causes = validate(kind, object);
        if (!causes.isEmpty()) {
            StringBuilder sb = new StringBuilder(kind.kind()).append(" \"")
                    .append(object.path("metadata").path("name").asText()).append("\" does not match MTV's schema:");
            causes.forEach(c -> sb.append(' ').append(c.field()).append(": ").append(c.message()).append(';'));
            throw new IllegalStateException(sb.toString());
        }
    }

    /**
     * The CRD's {@code additionalPrinterColumns} for the served version ({@code name, type, jsonPath}, optional
     * {@code priority, description}), in order; empty for kinds without a CRD.
     */
    public static List<JsonNode> printerColumns(ResourceKind kind) {
        if (!FILES.containsKey(kind)) {
            return List.of();
        }
        return PRINTER_COLUMNS.computeIfAbsent(kind, k -> {
            List<JsonNode> out = new ArrayList<>();
            servedVersion(crd(k), k.version()).path("additionalPrinterColumns").forEach(out::add);
            return List.copyOf(out);
        });
    }

    /**
     * A copy of the CRD's own openAPIV3Schema (descriptions and x-kubernetes-* markers kept) for the served version,
     * as the API server publishes it under {@code /openapi/v3}; empty for kinds without a CRD.
     */
    public static Optional<JsonNode> openApiSchema(ResourceKind kind) {
        JsonNode raw = rawSchema(kind);
        return raw == null || raw.isMissingNode() ? Optional.empty() : Optional.of(raw.deepCopy());
    }

    /** The CRD's own openAPIV3Schema (with its x-kubernetes-* markers) for the served version, or null. */
    static JsonNode rawSchema(ResourceKind kind) {
        if (!FILES.containsKey(kind)) {
            return null;
        }
        return RAW.computeIfAbsent(kind, k -> servedVersion(crd(k), k.version()).path("schema").path("openAPIV3Schema"));
    }

    private static final Map<ResourceKind, JsonNode> RAW = new java.util.concurrent.ConcurrentHashMap<>();

    private static final Map<ResourceKind, List<JsonNode>> PRINTER_COLUMNS = new java.util.concurrent.ConcurrentHashMap<>();

    private static JsonNode crd(ResourceKind kind) {
        String resource = "/crds/" + FILES.get(kind);
        try (InputStream in = CrdSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing CRD " + resource);
            }
            return new YAMLMapper().readTree(in);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + resource, ex);
        }
    }

    /** The translated JSON Schema of a kind (for docs and tooling). */
    public static Optional<JsonNode> jsonSchema(ResourceKind kind) {
        return FILES.containsKey(kind) ? Optional.of(schema(kind).getSchemaNode()) : Optional.empty();
    }

    private static Cause toCause(ValidationMessage m) {
        String at = path(m.getInstanceLocation());
        JsonNode value = m.getInstanceNode();
        String type = m.getType();
        switch (type) {
            case "required" -> {
                String field = join(at, m.getProperty());
                return Cause.required(field, "Required value");
            }
            case "enum" -> {
                String allowed = allowedValues(m.getSchemaNode());
                String hint = value != null && value.isBoolean() && allowed.contains("\"on\"")
                        ? " (YAML reads unquoted on/off as a boolean: quote the value)" : "";
                return Cause.notSupported(at, "Unsupported value: " + render(value)
                        + ": supported values: " + allowed + hint);
            }
            case "type" -> {
                String expected = m.getSchemaNode() == null ? "?" : m.getSchemaNode().asText();
                String hint = value != null && value.isBoolean() && "string".equals(expected)
                        ? " (YAML reads unquoted on/off/yes/no/true/false as a boolean: quote the value)" : "";
                return Cause.invalid(at, "Invalid value: " + render(value) + ": must be of type "
                        + expected + ", not " + jsonType(value) + hint);
            }
            case "format" -> {
                return Cause.invalid(at, "Invalid value: " + render(value) + ": must be an RFC 3339 "
                        + "date-time such as 2024-04-04T01:23:45Z or 2024-04-04T01:23:45.678+09:00");
            }
            case "pattern" -> {
                String pattern = m.getSchemaNode() == null ? "?" : m.getSchemaNode().asText();
                return Cause.invalid(at, "Invalid value: " + render(value) + ": must match " + pattern);
            }
            default -> {
                String msg = m.getMessage();
                int colon = msg.indexOf(": ");
                return Cause.invalid(at, colon > 0 && msg.startsWith("$") ? msg.substring(colon + 2) : msg);
            }
        }
    }

    private static String allowedValues(JsonNode enumNode) {
        List<String> values = new ArrayList<>();
        if (enumNode != null) {
            enumNode.forEach(v -> values.add(render(v)));
        }
        return String.join(", ", values);
    }

    private static String render(JsonNode value) {
        if (value == null) {
            return "null";
        }
        if (value.isTextual()) {
            return "\"" + io.hoist.core.model.Echo.abbreviate(value.asText()) + "\"";
        }
        return value.isContainerNode() ? jsonType(value) : io.hoist.core.model.Echo.abbreviate(value.toString());
    }

    private static String jsonType(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String join(String parent, String child) {
        if (child == null) {
            return parent;
        }
        return parent.isEmpty() ? child : parent + "." + child;
    }

    /** {@code $.spec.vms[0].hooks} as {@code spec.vms[0].hooks}; the root is the empty string. */
    static String path(JsonNodePath p) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.getNameCount(); i++) {
            Object e = p.getElement(i);
            if (e instanceof Integer index) {
                sb.append('[').append(index).append(']');
            } else {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(e);
            }
        }
        return sb.toString();
    }

    private static JsonSchema schema(ResourceKind kind) {
        return SCHEMAS.computeIfAbsent(kind, CrdSchemas::load);
    }

    private static JsonSchema load(ResourceKind kind) {
        String resource = "/crds/" + FILES.get(kind);
        try (InputStream in = CrdSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing CRD " + resource);
            }
            JsonNode crd = new YAMLMapper().readTree(in);
            JsonNode openApi = servedVersion(crd, kind.version()).path("schema").path("openAPIV3Schema");
            if (!(openApi instanceof ObjectNode)) {
                throw new IllegalStateException(resource + ": no openAPIV3Schema for " + kind.version());
            }
            return FACTORY.getSchema(toJsonSchema(openApi), CONFIG);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + resource, ex);
        }
    }

    private static JsonNode servedVersion(JsonNode crd, String version) {
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (version.equals(v.path("name").asText())) {
                return v;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** Translates an OpenAPI v3 structural schema (Kubernetes flavour) into draft-4 JSON Schema. */
    static JsonNode toJsonSchema(JsonNode openApi) {
        if (openApi instanceof ArrayNode arr) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            arr.forEach(n -> out.add(toJsonSchema(n)));
            return out;
        }
        if (!(openApi instanceof ObjectNode in)) {
            return openApi;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Iterator<Map.Entry<String, JsonNode>> it = in.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            String key = f.getKey();
            if (key.startsWith("x-kubernetes-") || key.equals("description") || key.equals("nullable")
                    || key.equals("example") || key.equals("externalDocs")) {
                continue;
            }
            if (key.equals("format") && !f.getValue().asText().equals("date-time")) {
                continue; // int32/int64/byte/quantity carry no check beyond the type
            }
            if (key.equals("properties") || key.equals("patternProperties") || key.equals("definitions")) {
                ObjectNode props = out.putObject(key);
                f.getValue().fields().forEachRemaining(p -> props.set(p.getKey(), toJsonSchema(p.getValue())));
            } else if (key.equals("enum") || key.equals("required") || key.equals("default")) {
                out.set(key, f.getValue().deepCopy());
            } else {
                out.set(key, toJsonSchema(f.getValue()));
            }
        }
        if (in.path("x-kubernetes-int-or-string").asBoolean(false)) {
            out.remove("type");
            ArrayNode anyOf = out.putArray("anyOf");
            anyOf.addObject().put("type", "integer");
            anyOf.addObject().put("type", "string");
        }
        if (in.path("nullable").asBoolean(false)) {
            JsonNode type = out.get("type");
            if (type != null && type.isTextual()) {
                ArrayNode types = out.putArray("type");
                types.add(type.asText());
                types.add("null");
            }
            if (out.get("enum") instanceof ArrayNode en) {
                en.addNull();
            }
        }
        return out;
    }
}
