package io.hoist.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * kubectl's JSONPath templates ({@code -o jsonpath=...}, {@code custom-columns}): text with {@code {expr}}
 * parts, {@code {range expr}...{end}} loops and {@code {"literal"}}s. An expression walks {@code .field},
 * {@code ['field']}, {@code [n]}, {@code [*]}, {@code ..field} and {@code [?(@.path=="value")]} (also
 * {@code !=}); a missing key prints nothing, as kubectl's default {@code --allow-missing-template-keys}.
 */
public final class JsonPath {
    private sealed interface Part permits Text, Expr, Range {}

    private record Text(String text) implements Part {}

    private record Expr(List<Step> steps) implements Part {}

    private record Range(List<Step> steps, List<Part> body) implements Part {}

    private sealed interface Step permits Field, Index, All, Deep, Filter {}

    private record Field(String name) implements Step {}

    private record Index(int index) implements Step {}

    private record All() implements Step {}

    private record Deep(String name) implements Step {}

    private record Filter(List<Step> path, boolean equal, String value) implements Step {}

    private final List<Part> parts;

    private JsonPath(List<Part> parts) {
        this.parts = parts;
    }

    /** Parses a template; throws {@link IllegalArgumentException} naming what is wrong. */
    public static JsonPath parse(String template) {
        List<List<Part>> stack = new ArrayList<>();
        List<Part> current = new ArrayList<>();
        List<List<Step>> rangeSteps = new ArrayList<>();
        int i = 0;
        StringBuilder text = new StringBuilder();
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '{') {
                text.append(c);
                i++;
                continue;
            }
            int close = closing(template, i);
            if (!text.isEmpty()) {
                current.add(new Text(text.toString()));
                text.setLength(0);
            }
            String inner = template.substring(i + 1, close).strip();
            i = close + 1;
            if (inner.startsWith("range ")) {
                stack.add(current);
                rangeSteps.add(steps(inner.substring(6).strip()));
                current = new ArrayList<>();
            } else if (inner.equals("end")) {
                if (stack.isEmpty()) {
                    throw new IllegalArgumentException("jsonpath: {end} without {range}");
                }
                Range r = new Range(rangeSteps.removeLast(), current);
                current = stack.removeLast();
                current.add(r);
            } else if (inner.startsWith("\"") && inner.endsWith("\"") && inner.length() >= 2) {
                current.add(new Text(unescape(inner.substring(1, inner.length() - 1))));
            } else {
                current.add(new Expr(steps(inner)));
            }
        }
        if (!text.isEmpty()) {
            current.add(new Text(text.toString()));
        }
        if (!stack.isEmpty()) {
            throw new IllegalArgumentException("jsonpath: {range} without {end}");
        }
        return new JsonPath(current);
    }

    /** The template applied to {@code root}. */
    public String render(JsonNode root) {
        StringBuilder out = new StringBuilder();
        render(parts, root, out);
        return out.toString();
    }

    /** Every node the expression selects (for custom-columns, one cell). */
    public List<JsonNode> select(JsonNode root) {
        List<JsonNode> all = new ArrayList<>();
        for (Part p : parts) {
            if (p instanceof Expr e) {
                all.addAll(walk(e.steps(), root));
            }
        }
        return all;
    }

    private static void render(List<Part> parts, JsonNode node, StringBuilder out) {
        for (Part p : parts) {
            switch (p) {
                case Text t -> out.append(t.text());
                case Expr e -> {
                    List<JsonNode> found = walk(e.steps(), node);
                    for (int i = 0; i < found.size(); i++) {
                        out.append(i > 0 ? " " : "").append(scalar(found.get(i)));
                    }
                }
                case Range r -> walk(r.steps(), node).forEach(item -> render(r.body(), item, out));
            }
        }
    }

    /** A value as kubectl prints it: strings bare, objects and arrays as JSON. */
    public static String scalar(JsonNode n) {
        return n.isValueNode() ? n.asText() : n.toString();
    }

    private static List<JsonNode> walk(List<Step> steps, JsonNode root) {
        List<JsonNode> nodes = List.of(root);
        for (Step step : steps) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode n : nodes) {
                switch (step) {
                    case Field f -> add(next, n.get(f.name()));
                    case Index x -> {
                        if (n.isArray()) {
                            add(next, n.get(x.index() < 0 ? n.size() + x.index() : x.index()));
                        }
                    }
                    case All a -> n.forEach(next::add);
                    case Deep d -> deep(n, d.name(), next);
                    case Filter f -> n.forEach(item -> {
                        boolean match = walk(f.path(), item).stream().anyMatch(v -> scalar(v).equals(f.value()));
                        if (match == f.equal()) {
                            next.add(item);
                        }
                    });
                }
            }
            nodes = next;
        }
        return nodes;
    }

    private static void add(List<JsonNode> to, JsonNode n) {
        if (n != null && !n.isMissingNode() && !n.isNull()) {
            to.add(n);
        }
    }

    private static void deep(JsonNode n, String name, List<JsonNode> out) {
        if (n.isObject()) {
            add(out, n.get(name));
        }
        if (n.isContainerNode()) {
            n.forEach(child -> deep(child, name, out));
        }
    }

    private static List<Step> steps(String expr) {
        List<Step> steps = new ArrayList<>();
        int i = 0;
        if (expr.startsWith("$") || expr.startsWith("@")) {
            i = 1;
        }
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '.' && i + 1 < expr.length() && expr.charAt(i + 1) == '.') {
                int[] end = new int[1];
                steps.add(new Deep(name(expr, i + 2, end)));
                i = end[0];
            } else if (c == '.') {
                if (i + 1 < expr.length() && expr.charAt(i + 1) == '*') {
                    steps.add(new All());
                    i += 2;
                } else if (i + 1 >= expr.length()) {
                    i++; // "{.}" is the node itself
                } else {
                    int[] end = new int[1];
                    steps.add(new Field(name(expr, i + 1, end)));
                    i = end[0];
                }
            } else if (c == '[') {
                int close = bracketEnd(expr, i);
                steps.add(bracket(expr.substring(i + 1, close).strip(), expr));
                i = close + 1;
            } else {
                throw new IllegalArgumentException("jsonpath: unexpected '" + c + "' at " + i + " in '" + expr + "'");
            }
        }
        return steps;
    }

    private static Step bracket(String inside, String expr) {
        if (inside.equals("*")) {
            return new All();
        }
        if ((inside.startsWith("'") && inside.endsWith("'") || inside.startsWith("\"") && inside.endsWith("\""))
                && inside.length() >= 2) {
            return new Field(inside.substring(1, inside.length() - 1));
        }
        if (inside.startsWith("?(") && inside.endsWith(")")) {
            String cond = inside.substring(2, inside.length() - 1).strip();
            boolean equal = !cond.contains("!=");
            String[] sides = cond.split(equal ? "==" : "!=", 2);
            if (sides.length != 2) {
                throw new IllegalArgumentException("jsonpath: filter '" + inside + "' must be @.path==\"value\" or !=");
            }
            String value = sides[1].strip();
            if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            return new Filter(steps(sides[0].strip()), equal, value);
        }
        try {
            return new Index(Integer.parseInt(inside));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("jsonpath: '[" + inside + "]' in '" + expr
                    + "' is not an index, [*], ['key'] or [?(@.path==\"value\")]");
        }
    }

    /** A field name up to the next unescaped '.' or '['; {@code \.} is a dot inside the name. */
    private static String name(String expr, int from, int[] end) {
        StringBuilder sb = new StringBuilder();
        int i = from;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '\\' && i + 1 < expr.length()) {
                sb.append(expr.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == '.' || c == '[') {
                break;
            }
            sb.append(c);
            i++;
        }
        if (sb.isEmpty()) {
            throw new IllegalArgumentException("jsonpath: empty field name at " + from + " in '" + expr + "'");
        }
        end[0] = i;
        return sb.toString();
    }

    private static int bracketEnd(String expr, int open) {
        int depth = 0;
        char quote = 0;
        for (int i = open; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '[') {
                depth++;
            } else if (c == ']' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("jsonpath: unclosed '[' in '" + expr + "'");
    }

    private static int closing(String template, int open) {
        char quote = 0;
        for (int i = open + 1; i < template.length(); i++) {
            char c = template.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '}') {
                return i;
            }
        }
        throw new IllegalArgumentException("jsonpath: unclosed '{' in '" + template + "'");
    }

    private static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\t", "\t").replace("\\\"", "\"").replace("\\\\", "\\");
    }
}
