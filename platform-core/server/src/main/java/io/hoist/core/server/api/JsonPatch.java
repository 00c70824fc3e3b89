package io.hoist.core.server.api;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.server.http.ApiException;

/**
 * JSON Patch (RFC 6902: add, remove, replace, move, copy, test) over JSON Pointers (RFC 6901), what
 * {@code kubectl patch --type=json} sends. A failing operation refuses the whole patch with a 422 naming the
 * operation's index and path, as the API server does; nothing is applied in part (the target is a copy).
 */
final class JsonPatch {
    private JsonPatch() {}

    static JsonNode apply(JsonNode target, ArrayNode operations) {
        JsonNode doc = target.deepCopy();
        for (int i = 0; i < operations.size(); i++) {
            JsonNode op = operations.get(i);
            if (!op.isObject()) {
                throw failed(i, "", "each operation must be an object");
            }
            String name = op.path("op").asText("");
            String path = requiredPointer(op, "path", i);
            doc = switch (name) {
                case "add" -> add(doc, path, value(op, i), i);
                case "remove" -> remove(doc, path, i);
                case "replace" -> add(remove(doc, path, i), path, value(op, i), i);
                case "move" -> {
                    String from = requiredPointer(op, "from", i);
                    if (path.startsWith(from + "/")) {
                        throw failed(i, path, "cannot move a value into one of its own children");
                    }
                    JsonNode moved = at(doc, from, i).deepCopy();
                    yield add(remove(doc, from, i), path, moved, i);
                }
                case "copy" -> add(doc, path, at(doc, requiredPointer(op, "from", i), i).deepCopy(), i);
                case "test" -> {
                    if (!at(doc, path, i).equals(value(op, i))) {
                        throw failed(i, path, "test failed: the value differs");
                    }
                    yield doc;
                }
                default -> throw failed(i, path, "unknown op \"" + io.hoist.core.model.Echo.abbreviate(name)
                        + "\": one of add, remove, replace, move, copy, test");
            };
        }
        return doc;
    }

    private static JsonNode add(JsonNode doc, String path, JsonNode value, int i) {
        if (path.isEmpty()) {
            return value;
        }
        JsonPointer pointer = JsonPointer.compile(path);
        JsonNode parent = doc.at(pointer.head());
        String last = pointer.last().getMatchingProperty();
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            int index = last.equals("-") ? a.size() : index(last, a.size(), i, path);
            a.insert(index, value);
        } else {
            throw failed(i, path, "the parent of the path does not exist");
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, String path, int i) {
        at(doc, path, i); // must exist
        if (path.isEmpty()) {
            throw failed(i, path, "cannot remove the whole object");
        }
        JsonPointer pointer = JsonPointer.compile(path);
        JsonNode parent = doc.at(pointer.head());
        String last = pointer.last().getMatchingProperty();
        if (parent instanceof ObjectNode o) {
            o.remove(last);
        } else if (parent instanceof ArrayNode a) {
            a.remove(index(last, a.size() - 1, i, path));
        }
        return doc;
    }

    private static JsonNode at(JsonNode doc, String path, int i) {
        JsonNode n = doc.at(path);
        if (n.isMissingNode()) {
            throw failed(i, path, "the path does not exist");
        }
        return n;
    }

    private static int index(String token, int max, int i, String path) {
        if (!token.matches("0|[1-9][0-9]{0,8}") || Integer.parseInt(token) > max) {
            throw failed(i, path, "array index out of range");
        }
        return Integer.parseInt(token);
    }

    private static String requiredPointer(JsonNode op, String field, int i) {
        JsonNode p = op.get(field);
        if (p == null || !p.isTextual() || !(p.asText().isEmpty() || p.asText().startsWith("/"))) {
            throw failed(i, "", "\"" + field + "\" must be a JSON Pointer such as /spec/warm");
        }
        try {
            JsonPointer.compile(p.asText());
        } catch (IllegalArgumentException e) {
            throw failed(i, "", "\"" + field + "\" is not a valid JSON Pointer");
        }
        return p.asText();
    }

    private static JsonNode value(JsonNode op, int i) {
        if (!op.has("value")) {
            throw failed(i, op.path("path").asText(""), "\"value\" is required");
        }
        return op.get("value").deepCopy();
    }

    private static ApiException failed(int index, String path, String why) {
        String at = path.isEmpty() ? "" : " at " + io.hoist.core.model.Echo.abbreviate(path);
        return new ApiException(422, "Invalid", "the JSON patch cannot be applied: operation " + index + at + ": " + why);
    }
}
