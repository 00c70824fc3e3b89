package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.server.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes list filters: {@code labelSelector} ({@code k=v, k==v, k!=v, k, !k, k in (a,b),
 * k notin (a,b)}) and {@code fieldSelector} on {@code metadata.name} / {@code metadata.namespace}
 * ({@code =, ==, !=}). Requirements are ANDed. Anything else is a 400 naming the part that failed.
 */
final class Selectors {
    private static final Pattern SET = Pattern.compile("\\s*([^\\s!=(),]+)\\s+(in|notin)\\s*\\(([^()]*)\\)\\s*");
    private static final Pattern EQ = Pattern.compile("\\s*([^\\s!=(),]+)\\s*(==|=|!=)\\s*([^\\s!=(),]*)\\s*");
    private static final Pattern EXISTS = Pattern.compile("\\s*(!?)\\s*([^\\s!=(),]+)\\s*");
    private static final Set<String> FIELDS = Set.of("metadata.name", "metadata.namespace");
    private static final int MAX_LENGTH = 4096;

    private Selectors() {}

    static Predicate<JsonNode> parse(String labelSelector, String fieldSelector) {
        Predicate<JsonNode> p = o -> true;
        for (String req : split(labelSelector, "labelSelector")) {
            p = p.and(label(req));
        }
        for (String req : split(fieldSelector, "fieldSelector")) {
            p = p.and(field(req));
        }
        return p;
    }

    private static Predicate<JsonNode> label(String req) {
        Matcher m = SET.matcher(req);
        if (m.matches()) {
            String key = m.group(1);
            List<String> values = new ArrayList<>();
            for (String v : m.group(3).split(",")) {
                values.add(v.trim());
            }
            boolean in = m.group(2).equals("in");
            return o -> {
                JsonNode v = o.path("metadata").path("labels").get(key);
                boolean member = v != null && values.contains(v.asText());
                return in == member;
            };
        }
        m = EQ.matcher(req);
        if (m.matches()) {
            String key = m.group(1);
            String value = m.group(3);
            boolean equal = !m.group(2).equals("!=");
            return o -> {
                JsonNode v = o.path("metadata").path("labels").get(key);
                return equal == (v != null && v.asText().equals(value));
            };
        }
        m = EXISTS.matcher(req);
        if (m.matches()) {
            String key = m.group(2);
            boolean present = m.group(1).isEmpty();
            return o -> present == o.path("metadata").path("labels").has(key);
        }
        throw ApiException.badRequest("invalid labelSelector requirement: use k=v, k!=v, k, !k, k in (a,b) or k notin (a,b)");
    }

    private static Predicate<JsonNode> field(String req) {
        Matcher m = EQ.matcher(req);
        if (!m.matches() || !FIELDS.contains(m.group(1))) {
            throw ApiException.badRequest("invalid fieldSelector: only metadata.name and metadata.namespace"
                    + " with =, == or != are supported");
        }
        String name = m.group(1).substring("metadata.".length());
        String value = m.group(3);
        boolean equal = !m.group(2).equals("!=");
        return o -> equal == o.path("metadata").path(name).asText().equals(value);
    }

    /** Splits on commas outside parentheses. */
    private static List<String> split(String selector, String param) {
        List<String> out = new ArrayList<>();
        if (selector == null || selector.isBlank()) {
            return out;
        }
        if (selector.length() > MAX_LENGTH) {
            throw ApiException.badRequest(param + " is too long");
        }
        int depth = 0;
        int start = 0;
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        out.add(selector.substring(start));
        return out;
    }
}
