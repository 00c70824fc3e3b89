package io.hoist.policy.rego.compile;

import io.hoist.policy.rego.ast.Ast.Module;
import io.hoist.policy.rego.ast.Ast.Rule;
import io.hoist.policy.rego.ast.Ast.RuleKind;
import io.hoist.policy.rego.parse.RegoSyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The virtual document tree under data: packages are inner nodes, rule groups hang off them. */
final class RuleTree {
    /** All definitions of one rule path (several bodies, possibly spread over files). */
    static final class Group {
        final List<String> path;
        final RuleKind kind;
        final List<Rule> rules = new ArrayList<>();
        final List<Module> modules = new ArrayList<>();
        Rule defaultRule;
        Module defaultModule;
        int fn = -1;
        int cacheGlobal = -1;
        int overrideGlobal = -1;

        Group(List<String> path, RuleKind kind) { this.path = path; this.kind = kind; }

        String name() { return "data." + String.join(".", path); }

        int arity() {
            Rule r = rules.isEmpty() ? defaultRule : rules.get(0);
            return r.args() == null ? 0 : r.args().size();
        }
    }

    static final class Node {
        final List<String> path;
        final Map<String, Node> children = new LinkedHashMap<>();
        Group group;
        int materializeFn = -1;
        int extentFn = -1;

        Node(List<String> path) { this.path = path; }
    }

    final Node root = new Node(List.of());
    final List<Group> groups = new ArrayList<>();

    void add(Module m, Rule r) {
        List<String> full = new ArrayList<>(m.pkg());
        full.addAll(r.path());
        Node n = root;
        for (String seg : full) n = child(n, seg);
        if (n.group == null) {
            n.group = new Group(List.copyOf(full), r.kind());
            groups.add(n.group);
        } else if (n.group.kind != r.kind() && !(r.isDefault() && n.group.kind == RuleKind.COMPLETE)) {
            throw new RegoSyntaxException(r.pos(), "conflicting rules data." + String.join(".", full)
                    + " found (" + n.group.kind + " and " + r.kind() + ")");
        }
        if (r.isDefault()) {
            if (n.group.defaultRule != null) throw new RegoSyntaxException(r.pos(), "multiple default rules data." + String.join(".", full) + " found");
            n.group.defaultRule = r;
            n.group.defaultModule = m;
        } else {
            n.group.rules.add(r);
            n.group.modules.add(m);
        }
    }

    void addPackage(List<String> pkg) {
        Node n = root;
        for (String seg : pkg) n = child(n, seg);
    }

    private static Node child(Node n, String seg) {
        return n.children.computeIfAbsent(seg, k -> new Node(append(n.path, k)));
    }

    private static List<String> append(List<String> p, String s) {
        List<String> l = new ArrayList<>(p);
        l.add(s);
        return List.copyOf(l);
    }

    Node find(List<String> path) {
        Node n = root;
        for (String s : path) {
            n = n.children.get(s);
            if (n == null) return null;
        }
        return n;
    }
}
