package io.hoist.policy.rego.compile;

import io.hoist.policy.rego.ast.Ast.*;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * OPA reorders body expressions so every variable is bound before an expression needs it
 * ("msg := sprintf(..., [x]); x := input.x" is valid Rego). This does the same greedily: the first expression
 * whose needed variables are bound goes next; original order otherwise. Only variables that some expression of
 * the body binds count, so globals (input, data, rules, imports) never block an expression.
 */
final class SafetyOrder {
    private SafetyOrder() {}

    static List<Expr> reorder(List<Expr> body, Set<String> initiallyBound) {
        Set<String> providedByBody = new HashSet<>();
        for (Expr e : body) providedByBody.addAll(provides(e));
        List<Set<String>> needs = new ArrayList<>();
        for (Expr e : body) {
            Set<String> n = needs(e, providedByBody);
            n.retainAll(providedByBody);
            needs.add(n);
        }
        boolean inOrder = true;
        Set<String> bound = new HashSet<>(initiallyBound);
        for (int i = 0; i < body.size() && inOrder; i++) {
            if (!bound.containsAll(needs.get(i))) inOrder = false;
            bound.addAll(provides(body.get(i)));
        }
        if (inOrder) return body;
        List<Expr> out = new ArrayList<>();
        List<Integer> remaining = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) remaining.add(i);
        bound = new HashSet<>(initiallyBound);
        while (!remaining.isEmpty()) {
            Integer pick = null;
            for (Integer i : remaining) if (bound.containsAll(needs.get(i))) { pick = i; break; }
            if (pick == null) { for (Integer i : remaining) out.add(body.get(i)); break; }
            remaining.remove(pick);
            out.add(body.get(pick));
            bound.addAll(provides(body.get(pick)));
        }
        return out;
    }

    /** Variables an expression can bind. */
    static Set<String> provides(Expr e) {
        Set<String> out = new LinkedHashSet<>();
        ExprKind k = e.kind();
        if (k instanceof Unify u) { patternVars(u.left(), out); patternVars(u.right(), out); refKeys(u.left(), out); refKeys(u.right(), out); }
        else if (k instanceof Assign a) { patternVars(a.left(), out); refKeys(a.right(), out); }
        else if (k instanceof SomeIn si) { if (si.key() != null) patternVars(si.key(), out); patternVars(si.value(), out); }
        else if (k instanceof TermExpr t) {
            refKeys(t.term(), out);
            // a call with one argument more than its inputs binds the last one; without arity knowledge,
            // treat a bare variable in last position of a call expression as an output
            if (t.term() instanceof Call c && !c.args().isEmpty() && c.args().get(c.args().size() - 1) instanceof Var v) out.add(v.name());
        }
        out.removeIf(n -> n.startsWith("_$"));
        return out;
    }

    private static Set<String> needs(Expr e, Set<String> providedByBody) {
        Set<String> out = new HashSet<>();
        ExprKind k = e.kind();
        if (k instanceof Unify u) { patternNeeds(u.left(), out, providedByBody); patternNeeds(u.right(), out, providedByBody); }
        else if (k instanceof Assign a) termNeeds(a.right(), out, providedByBody);
        else if (k instanceof SomeIn si) termNeeds(si.collection(), out, providedByBody);
        else if (k instanceof TermExpr t) {
            if (t.term() instanceof Call c && !c.args().isEmpty() && c.args().get(c.args().size() - 1) instanceof Var) {
                for (int i = 0; i < c.args().size() - 1; i++) termNeeds(c.args().get(i), out, providedByBody);
            } else termNeeds(t.term(), out, providedByBody);
        } else if (k instanceof Not n) {
            Set<String> inner = new HashSet<>();
            allVars(n.expr(), inner);
            out.addAll(inner);
        } else if (k instanceof Every ev) {
            termNeeds(ev.collection(), out, providedByBody);
            Set<String> inner = new HashSet<>();
            for (Expr b : ev.body()) allVars(b, inner);
            if (ev.key() != null) inner.remove(ev.key().name());
            inner.remove(ev.value().name());
            out.addAll(inner);
        }
        for (With w : e.withs()) termNeeds(w.value(), out, providedByBody);
        return out;
    }

    private static void patternVars(Term t, Set<String> out) {
        if (t instanceof Var v) out.add(v.name());
        else if (t instanceof ArrayTerm a) a.items().forEach(x -> patternVars(x, out));
        else if (t instanceof ObjectTerm o) o.values().forEach(x -> patternVars(x, out));
    }

    /** Variables used as keys of references: iteration binds them. */
    private static void refKeys(Term t, Set<String> out) {
        if (t instanceof Ref r) {
            for (Term p : r.path()) { if (p instanceof Var v) out.add(v.name()); else refKeys(p, out); }
            refKeys(r.head(), out);
        } else if (t instanceof Call c) c.args().forEach(x -> refKeys(x, out));
        else if (t instanceof ArrayTerm a) a.items().forEach(x -> refKeys(x, out));
        else if (t instanceof ObjectTerm o) o.values().forEach(x -> refKeys(x, out));
    }

    private static void patternNeeds(Term t, Set<String> out, Set<String> body) {
        if (t instanceof Var) return;
        if (t instanceof ArrayTerm a) { a.items().forEach(x -> patternNeeds(x, out, body)); return; }
        if (t instanceof ObjectTerm o) {
            o.keys().forEach(x -> termNeeds(x, out, body));
            o.values().forEach(x -> patternNeeds(x, out, body));
            return;
        }
        termNeeds(t, out, body);
    }

    private static void termNeeds(Term t, Set<String> out, Set<String> body) {
        if (t instanceof Var v) out.add(v.name());
        else if (t instanceof Ref r) {
            termNeeds(r.head(), out, body);
            for (Term p : r.path()) if (!(p instanceof Var)) termNeeds(p, out, body);
        } else if (t instanceof Call c) c.args().forEach(x -> termNeeds(x, out, body));
        else if (t instanceof ArrayTerm a) a.items().forEach(x -> termNeeds(x, out, body));
        else if (t instanceof SetTerm s) s.items().forEach(x -> termNeeds(x, out, body));
        else if (t instanceof ObjectTerm o) { o.keys().forEach(x -> termNeeds(x, out, body)); o.values().forEach(x -> termNeeds(x, out, body)); }
        else if (t instanceof ArrayCompr || t instanceof SetCompr || t instanceof ObjectCompr) {
            Set<String> inner = new HashSet<>();
            comprVars(t, inner);
            out.addAll(inner);
        }
    }

    private static void comprVars(Term t, Set<String> out) {
        if (t instanceof ArrayCompr a) { termVars(a.head(), out); a.body().forEach(e -> allVars(e, out)); }
        else if (t instanceof SetCompr s) { termVars(s.head(), out); s.body().forEach(e -> allVars(e, out)); }
        else if (t instanceof ObjectCompr o) { termVars(o.key(), out); termVars(o.value(), out); o.body().forEach(e -> allVars(e, out)); }
    }

    private static void allVars(Expr e, Set<String> out) {
        ExprKind k = e.kind();
        if (k instanceof TermExpr t) termVars(t.term(), out);
        else if (k instanceof Unify u) { termVars(u.left(), out); termVars(u.right(), out); }
        else if (k instanceof Assign a) { termVars(a.right(), out); }
        else if (k instanceof SomeIn si) termVars(si.collection(), out);
        else if (k instanceof Not n) allVars(n.expr(), out);
        else if (k instanceof Every ev) { termVars(ev.collection(), out); ev.body().forEach(b -> allVars(b, out)); }
        for (With w : e.withs()) termVars(w.value(), out);
    }

    private static void termVars(Term t, Set<String> out) {
        if (t instanceof Var v) out.add(v.name());
        else if (t instanceof Ref r) { termVars(r.head(), out); r.path().forEach(x -> termVars(x, out)); }
        else if (t instanceof Call c) c.args().forEach(x -> termVars(x, out));
        else if (t instanceof ArrayTerm a) a.items().forEach(x -> termVars(x, out));
        else if (t instanceof SetTerm s) s.items().forEach(x -> termVars(x, out));
        else if (t instanceof ObjectTerm o) { o.keys().forEach(x -> termVars(x, out)); o.values().forEach(x -> termVars(x, out)); }
        else comprVars(t, out);
    }
}
