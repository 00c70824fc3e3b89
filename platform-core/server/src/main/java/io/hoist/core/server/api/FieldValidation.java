package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.admission.Cause;
import io.hoist.core.model.schema.UnknownFields;
import io.hoist.core.server.http.ApiException;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code ?fieldValidation=}: what a write does with fields the kind's schema does not know. They are always
 * pruned (never stored); {@code Warn}, the default, says so in a {@code Warning} header per field, which kubectl
 * prints; {@code Strict} refuses the write with a 422 naming each; {@code Ignore} drops them silently.
 */
final class FieldValidation {
    private static final String KEY = "hoist.warnings";
    /** Enough to name every mistake of a hand-written manifest, few enough to keep the headers small. */
    private static final int MAX_WARNINGS = 20;

    private final String mode;
    private final List<String> warnings;

    private FieldValidation(String mode, List<String> warnings) {
        this.mode = mode;
        this.warnings = warnings;
    }

    /** Reads the parameter (400 for an unknown value) and gives the request a place for its warnings. */
    static FieldValidation of(RoutingContext ctx) {
        String mode = ctx.queryParams().get("fieldValidation");
        if (mode == null || mode.isEmpty()) {
            mode = "Warn";
        }
        if (!List.of("Strict", "Warn", "Ignore").contains(mode)) {
            throw ApiException.badRequest("fieldValidation: Unsupported value: \"" + io.hoist.core.model.Echo.abbreviate(mode)
                    + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
        }
        List<String> warnings = new CopyOnWriteArrayList<>(); // filled on a worker thread, read on the event loop
        ctx.put(KEY, warnings);
        return new FieldValidation(mode, warnings);
    }

    /** Prunes the unknown fields of a write, and warns about them or refuses it as the mode says. */
    void prune(ResourceKind kind, ObjectNode object) {
        List<String> unknown = UnknownFields.prune(kind, object);
        if (unknown.isEmpty()) {
            return;
        }
        if (mode.equals("Strict")) {
            String name = ObjectRules.textOrNull((ObjectNode) object.path("metadata"), "name");
            throw ObjectRules.invalid(kind, name, unknown.stream()
                    .map(f -> Cause.invalid(safe(f), "unknown field \"" + safe(f) + "\"")).toList());
        }
        if (mode.equals("Warn")) {
            warnings.clear(); // a retried patch warns once
            for (String f : unknown.subList(0, Math.min(unknown.size(), MAX_WARNINGS))) {
                warnings.add("299 - \"unknown field \\\"" + safe(f) + "\\\"\"");
            }
            if (unknown.size() > MAX_WARNINGS) {
                warnings.add("299 - \"" + (unknown.size() - MAX_WARNINGS) + " more unknown fields\"");
            }
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> warningsOf(RoutingContext ctx) {
        Object w = ctx.get(KEY);
        return w instanceof List<?> list ? (List<String>) list : List.of();
    }

    /** A field name as header-safe text: printable ASCII without quotes or backslashes, cut when long. */
    private static String safe(String field) {
        String cut = io.hoist.core.model.Echo.abbreviate(field);
        StringBuilder sb = new StringBuilder(cut.length());
        for (char c : cut.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
        }
        return sb.toString();
    }
}
