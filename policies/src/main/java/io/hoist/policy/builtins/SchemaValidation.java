package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import io.hoist.policy.runtime.Values;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * json.verify_schema and json.match_schema (JSON Schema drafts 4, 6 and 7, by the schema's $schema; draft 7
 * without one), validated by networknt's json-schema-validator. Errors come back in OPA's shape (gojsonschema's
 * error, type, field, desc), with gojsonschema's wording for the common keywords.
 */
final class SchemaValidation {
    private static final Set<String> TYPES = Set.of("array", "boolean", "integer", "number", "null", "object", "string");

    private SchemaValidation() {}

    static void register() {
        define("json.verify_schema", 1, a -> {
            try {
                compile("json.verify_schema", a[0], 1);
                return new ArrayList<>(List.of(true, Values.NULL));
            } catch (BuiltinError e) {
                if (e.code().equals("eval_type_error")) throw e;
                return new ArrayList<>(List.of(false, e.getMessage().substring("json.verify_schema: ".length())));
            }
        });
        define("json.match_schema", 2, a -> {
            com.networknt.schema.JsonSchema schema = compile("json.match_schema", a[1], 2);
            JsonNode doc = json("json.match_schema", a[0], 1);
            List<Object> errors = new ArrayList<>();
            for (ValidationMessage m : schema.validate(doc)) errors.add(error(m));
            return new ArrayList<>(List.of(errors.isEmpty(), errors));
        });
    }

    /** A document or schema given as a JSON string or as a value. */
    private static JsonNode json(String fn, Object v, int operand) {
        if (v instanceof String s) {
            try { return Values.toJson(Values.parseJson(s)); }
            catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", fn + ": operand " + operand + " is not valid JSON: " + e.getMessage()); }
        }
        if (v instanceof Map || v instanceof List || v instanceof Boolean) return Values.toJson(v);
        throw BuiltinError.type(fn, operand, "one of {boolean, object, string}", v);
    }

    private static com.networknt.schema.JsonSchema compile(String fn, Object v, int operand) {
        JsonNode node = json(fn, v, operand);
        checkTypes(fn, node);
        SpecVersion.VersionFlag version = SpecVersionDetector.detectOptionalVersion(node, false).orElse(SpecVersion.VersionFlag.V7);
        try {
            // schemas are validated offline: a remote $ref is refused, never fetched (the draft meta-schemas are
            // served from the library's class path)
            return JsonSchemaFactory.getInstance(version, b -> b.schemaLoaders(l -> l.add(
                    new com.networknt.schema.resource.AllowSchemaLoader(iri -> iri.toString().startsWith("classpath:")))))
                    .getSchema(node);
        } catch (RuntimeException e) {
            throw new BuiltinError("eval_builtin_error", fn + ": " + e.getMessage());
        }
    }

    /** gojsonschema refuses a schema naming an unknown primitive type; networknt would ignore it. */
    private static void checkTypes(String fn, JsonNode n) {
        if (n.isObject()) {
            JsonNode t = n.get("type");
            List<JsonNode> types = new ArrayList<>();
            if (t != null && t.isTextual()) types.add(t);
            else if (t != null && t.isArray()) t.forEach(types::add);
            for (JsonNode x : types) {
                if (x.isTextual() && !TYPES.contains(x.asText())) {
                    throw new BuiltinError("eval_builtin_error", fn + ": has a primitive type that is NOT VALID -- given: /" + x.asText()
                            + "/ Expected valid values are:[array boolean integer number null object string]");
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                // "properties", "definitions" etc. hold schemas; "enum"/"const"/"default"/"examples" hold data
                if (!Set.of("enum", "const", "default", "examples").contains(e.getKey())) checkTypes(fn, e.getValue());
            }
        } else if (n.isArray()) {
            n.forEach(x -> checkTypes(fn, x));
        }
    }

    private static Object error(ValidationMessage m) {
        String field = field(m.getInstanceLocation());
        Object[] args = m.getArguments() == null ? new Object[0] : m.getArguments();
        String type, desc;
        switch (m.getType()) {
            case "type" -> { type = "invalid_type"; desc = "Invalid type. Expected: " + arg(args, 1) + ", given: " + arg(args, 0); }
            case "required" -> { type = "required"; desc = m.getProperty() + " is required"; }
            case "enum" -> { type = "enum"; desc = "must be one of the following: " + enumList(m.getSchemaNode()); }
            case "const" -> { type = "const"; desc = "Does not match: " + m.getSchemaNode(); }
            case "minimum" -> { type = "number_gte"; desc = "Must be greater than or equal to " + m.getSchemaNode(); }
            case "maximum" -> { type = "number_lte"; desc = "Must be less than or equal to " + m.getSchemaNode(); }
            case "exclusiveMinimum" -> { type = "number_gt"; desc = "Must be greater than " + m.getSchemaNode(); }
            case "exclusiveMaximum" -> { type = "number_lt"; desc = "Must be less than " + m.getSchemaNode(); }
            case "minLength" -> { type = "string_gte"; desc = "String length must be greater than or equal to " + m.getSchemaNode(); }
            case "maxLength" -> { type = "string_lte"; desc = "String length must be less than or equal to " + m.getSchemaNode(); }
            case "pattern" -> { type = "pattern"; desc = "Does not match pattern '" + m.getSchemaNode().asText() + "'"; }
            case "minItems" -> { type = "array_min_items"; desc = "Array must have at least " + m.getSchemaNode() + " items"; }
            case "maxItems" -> { type = "array_max_items"; desc = "Array must have at most " + m.getSchemaNode() + " items"; }
            case "uniqueItems" -> { type = "unique"; desc = "array items must be unique"; }
            case "additionalProperties" -> { type = "additional_property_not_allowed"; desc = "Additional property " + m.getProperty() + " is not allowed"; }
            default -> { type = m.getType(); desc = m.getMessage().replaceFirst("^\\$[^:]*: ", ""); }
        }
        TreeMap<Object, Object> e = Values.newObject();
        e.put("error", field + ": " + desc);
        e.put("type", type);
        e.put("field", field);
        e.put("desc", desc);
        return e;
    }

    private static String arg(Object[] args, int i) { return i < args.length ? String.valueOf(args[i]) : "?"; }

    private static String enumList(JsonNode values) {
        List<String> out = new ArrayList<>();
        if (values != null) values.forEach(v -> out.add(v.toString()));
        return String.join(", ", out);
    }

    /** gojsonschema's field: "(root)", or the instance path with dots ("a.b.0"). */
    private static String field(JsonNodePath p) {
        if (p == null || p.getNameCount() == 0) return "(root)";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < p.getNameCount(); i++) {
            if (i > 0) b.append('.');
            Object el = p.getElement(i);
            b.append(el);
        }
        return b.toString();
    }
}
