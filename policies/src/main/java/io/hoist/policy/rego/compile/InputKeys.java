package io.hoist.policy.rego.compile;

import io.hoist.policy.rego.ast.Ast.*;
import io.hoist.policy.rego.ast.Ast.Module;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The parts of the input a set of modules can read, when that is known statically: every use of {@code input} is
 * a reference that starts with a constant string ({@code input.disks}, {@code input["name"]}). The answer is a tree
 * of object keys: a key maps to {@code true} when the rules may read anything below it (the reference stops there,
 * or continues with a variable, {@code input.disks[_]}), or to the tree of the keys read below it
 * ({@code input.host.cluster.drsEnabled}). Any other use ({@code input} as a value, {@code input[x]},
 * {@code import input}, {@code with input as}) could read anything, and the answer is empty. The host then lays out
 * only those parts of an input object: an inventory document carries many fields no rule reads (a vSphere VM about
 * 40, with its host and cluster embedded).
 */
final class InputKeys {
    private final Map<String, Object> tree = new TreeMap<>();
    private boolean whole;

    private InputKeys() {}

    static Optional<Map<String, Object>> of(List<Module> modules) {
        InputKeys k = new InputKeys();
        for (Module m : modules) {
            for (Import i : m.imports()) k.term(i.path());
            for (Rule r : m.rules()) k.rule(r);
        }
        return k.whole ? Optional.empty() : Optional.of(k.tree);
    }

    private void rule(Rule r) {
        for (; r != null && !whole; r = r.elseRule()) {
            terms(r.args());
            terms(r.keyPrefix());
            term(r.key());
            term(r.value());
            body(r.body());
        }
    }

    private void body(List<Expr> body) {
        if (body == null) return;
        for (Expr e : body) expr(e);
    }

    private void expr(Expr e) {
        switch (e.kind()) {
            case TermExpr t -> term(t.term());
            case Unify u -> { term(u.left()); term(u.right()); }
            case Assign a -> { term(a.left()); term(a.right()); }
            case SomeDecl s -> s.vars().forEach(this::term);
            case SomeIn s -> { term(s.key()); term(s.value()); term(s.collection()); }
            case Every ev -> { term(ev.key()); term(ev.value()); term(ev.collection()); body(ev.body()); }
            case Not n -> expr(n.expr());
        }
        if (e.withs() != null) for (With w : e.withs()) { term(w.target()); term(w.value()); }
    }

    /** Adds the constant-string prefix of a reference's path to the tree; below its end anything may be read. */
    @SuppressWarnings("unchecked")
    private void read(List<Term> path) {
        Map<String, Object> node = tree;
        for (int i = 0; ; i++) {
            String key = (String) ((Scalar) path.get(i)).value();
            boolean last = i + 1 == path.size() || !(path.get(i + 1) instanceof Scalar s && s.value() instanceof String);
            Object below = node.get(key);
            if (below == Boolean.TRUE) return;
            if (last) {
                node.put(key, Boolean.TRUE);
                return;
            }
            if (below == null) node.put(key, below = new TreeMap<String, Object>());
            node = (Map<String, Object>) below;
        }
    }

    private void terms(List<Term> ts) {
        if (ts != null) for (Term t : ts) term(t);
    }

    private void term(Term t) {
        if (t == null || whole) return;
        switch (t) {
            case Scalar s -> { }
            case Var v -> { if (v.name().equals("input")) whole = true; }
            case Ref r -> {
                if (r.head() instanceof Var v && v.name().equals("input")) {
                    if (!r.path().isEmpty() && r.path().getFirst() instanceof Scalar s && s.value() instanceof String) read(r.path());
                    else whole = true;
                } else term(r.head());
                terms(r.path());
            }
            case ArrayTerm a -> terms(a.items());
            case ObjectTerm o -> { terms(o.keys()); terms(o.values()); }
            case SetTerm s -> terms(s.items());
            case ArrayCompr c -> { term(c.head()); body(c.body()); }
            case SetCompr c -> { term(c.head()); body(c.body()); }
            case ObjectCompr c -> { term(c.key()); term(c.value()); body(c.body()); }
            case Call c -> terms(c.args());
        }
    }
}
