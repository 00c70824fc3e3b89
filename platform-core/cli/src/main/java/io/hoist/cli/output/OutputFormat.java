package io.hoist.cli.output;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code -o} value as kubectl takes it: {@code wide}, {@code yaml}, {@code json}, {@code name},
 * {@code jsonpath=TEMPLATE} or {@code custom-columns=HEADER:EXPR,...}; the default table when absent.
 */
public record OutputFormat(Kind kind, JsonPath template, List<CustomColumn> columns) {
    public enum Kind { TABLE, WIDE, YAML, JSON, NAME, JSONPATH, CUSTOM_COLUMNS }

    public record CustomColumn(String header, JsonPath path) {}

    public static final String CHOICES = "wide, yaml, json, name, jsonpath=TEMPLATE, custom-columns=HEADER:EXPR,...";

    /** Parses {@code -o}; throws {@link IllegalArgumentException} naming the option and the choices. */
    public static OutputFormat parse(String value) {
        if (value == null || value.isBlank()) {
            return new OutputFormat(Kind.TABLE, null, List.of());
        }
        String v = value.strip();
        int eq = v.indexOf('=');
        String name = eq < 0 ? v : v.substring(0, eq);
        String arg = eq < 0 ? "" : v.substring(eq + 1);
        return switch (name) {
            case "table" -> new OutputFormat(Kind.TABLE, null, List.of());
            case "wide" -> new OutputFormat(Kind.WIDE, null, List.of());
            case "yaml" -> new OutputFormat(Kind.YAML, null, List.of());
            case "json" -> new OutputFormat(Kind.JSON, null, List.of());
            case "name" -> new OutputFormat(Kind.NAME, null, List.of());
            case "jsonpath" -> {
                if (arg.isEmpty()) {
                    throw new IllegalArgumentException("-o jsonpath: needs a template, e.g. -o jsonpath='{.metadata.name}'");
                }
                yield new OutputFormat(Kind.JSONPATH, JsonPath.parse(arg), List.of());
            }
            case "custom-columns" -> new OutputFormat(Kind.CUSTOM_COLUMNS, null, customColumns(arg));
            default -> throw new IllegalArgumentException("-o: unknown output format '" + value + "' (one of: " + CHOICES + ")");
        };
    }

    private static List<CustomColumn> customColumns(String spec) {
        if (spec.isBlank()) {
            throw new IllegalArgumentException("-o custom-columns: needs HEADER:EXPR pairs, e.g. custom-columns=NAME:.metadata.name");
        }
        List<CustomColumn> cols = new ArrayList<>();
        for (String pair : spec.split(",")) {
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new IllegalArgumentException("-o custom-columns: '" + pair + "' is not HEADER:EXPR (e.g. NAME:.metadata.name)");
            }
            String expr = pair.substring(colon + 1).strip();
            cols.add(new CustomColumn(pair.substring(0, colon).strip(),
                    JsonPath.parse(expr.startsWith("{") ? expr : "{" + expr + "}")));
        }
        return cols;
    }

    /** A custom-columns cell: every match joined by commas, {@code <none>} for none (as kubectl). */
    public static String cell(JsonPath path, com.fasterxml.jackson.databind.JsonNode object) {
        List<String> values = path.select(object).stream().map(JsonPath::scalar).toList();
        return values.isEmpty() ? "<none>" : String.join(",", values);
    }
}
