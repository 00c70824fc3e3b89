package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import io.hoist.policy.runtime.Values;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * graph.reachable and graph.reachable_paths over an adjacency object (node → array or set of neighbours; any
 * other value, null included, is a node without edges). Nodes that are not keys of the graph are never reached.
 */
final class Graph {
    private Graph() {}

    static void register() {
        define("graph.reachable", 2, a -> {
            Map<Object, Object> g = obj("graph.reachable", a, 0);
            Deque<Object> queue = new ArrayDeque<>(initial("graph.reachable", a[1]));
            Set<Object> reached = Values.newSet();
            while (!queue.isEmpty()) {
                Object node = queue.poll();
                if (!g.containsKey(node) || !reached.add(node)) continue;
                for (Object n : edges(g.get(node))) if (!reached.contains(n)) queue.add(n);
                if (reached.size() > MAX_HOST_ELEMENTS) throw new BuiltinError("eval_builtin_error", "graph.reachable: result too large");
            }
            return reached;
        });
        define("graph.reachable_paths", 2, a -> {
            Map<Object, Object> g = obj("graph.reachable_paths", a, 0);
            Set<Object> out = Values.newSet();
            for (Object node : initial("graph.reachable_paths", a[1])) {
                if (!g.containsKey(node)) continue;
                Collection<Object> edges = edges(g.get(node));
                if (edges.isEmpty()) { out.add(new ArrayList<>(List.of(node))); continue; }
                List<Object> path = new ArrayList<>(List.of(node));
                for (Object n : edges) paths(g, n, path, out);
            }
            return out;
        });
    }

    private static Collection<Object> initial(String fn, Object x) {
        return coll(fn, new Object[] {null, x}, 1);
    }

    @SuppressWarnings("unchecked")
    private static Collection<Object> edges(Object v) {
        if (v instanceof List<?> l) return (List<Object>) l;
        if (v instanceof Set<?> s) return (Set<Object>) s;
        return List.of();
    }

    /**
     * Depth-first from root with path leading to it: a path ends at a node without edges, before a node outside the
     * graph, or before a neighbour already on the path (a cycle). Each ending path is one result.
     */
    private static void paths(Map<Object, Object> g, Object root, List<Object> path, Set<Object> out) {
        if (!g.containsKey(root)) { out.add(new ArrayList<>(path)); return; }
        path.add(root);
        try {
            Collection<Object> edges = edges(g.get(root));
            if (edges.isEmpty()) { out.add(new ArrayList<>(path)); return; }
            for (Object n : edges) {
                if (path.stream().anyMatch(p -> Values.equal(p, n))) out.add(new ArrayList<>(path));
                else paths(g, n, path, out);
                if (out.size() > MAX_HOST_ELEMENTS) throw new BuiltinError("eval_builtin_error", "graph.reachable_paths: result too large");
            }
        } finally {
            path.remove(path.size() - 1);
        }
    }
}
