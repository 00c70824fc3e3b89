package io.hoist.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Set;

/** Namespaces as the CLI names them: kubectl's spellings of the kind, and a bare v1 Namespace object. */
final class Namespaces {
    private static final Set<String> NAMES = Set.of("namespace", "namespaces", "ns");

    private Namespaces() {}

    /** {@code namespace}, {@code namespaces}, {@code ns} or {@code Namespace}, as kubectl takes them. */
    static boolean isNamespaceKind(String kind) {
        return kind != null && NAMES.contains(kind.toLowerCase(Locale.ROOT));
    }

    static ObjectNode object(String name) {
        ObjectNode ns = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Namespace");
        ns.putObject("metadata").put("name", name);
        return ns;
    }
}
