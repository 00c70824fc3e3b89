package io.hoist.policy.conformance;

import io.hoist.policy.rego.ast.Ast;
import io.hoist.policy.rego.parse.Parser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * OPA's own test case format (test/cases/testdata/v1/*&#47;*.yaml) states a case as a query and the bindings it
 * must produce ({@code want_result: [{x: ...}]}). The engine evaluates rules, not queries, so the query becomes
 * the body of a set rule whose element is the object of the query's variables: its value is the set of binding
 * objects OPA would return.
 */
final class QueryCase {
    static final String PACKAGE = "hoistconformancequery";
    static final String ENTRYPOINT = PACKAGE + "/bindings";

    private QueryCase() {}

    /** The module that evaluates the query; its entrypoint is {@link #ENTRYPOINT}. */
    static String module(String query) {
        Set<String> vars = outputVars(Parser.parseQuery("query", query));
        StringBuilder head = new StringBuilder("{");
        for (String v : vars) {
            if (head.length() > 1) head.append(", ");
            head.append('"').append(v).append("\": ").append(v);
        }
        head.append('}');
        return "package " + PACKAGE + "\n\nbindings contains " + head + " if {\n" + query + "\n}\n";
    }

    /** The variables OPA reports in a query's bindings: those of the top level, not wildcards or locals of closures. */
    static Set<String> outputVars(List<Ast.Expr> body) {
        Set<String> out = new LinkedHashSet<>();
        for (Ast.Expr e : body) expr(e, out);
        return out;
    }

    private static void expr(Ast.Expr e, Set<String> out) {
        switch (e.kind()) {
            case Ast.TermExpr t -> term(t.term(), out);
            case Ast.Unify u -> { term(u.left(), out); term(u.right(), out); }
            case Ast.Assign a -> { term(a.left(), out); term(a.right(), out); }
            case Ast.SomeDecl s -> s.vars().forEach(v -> term(v, out));
            case Ast.SomeIn s -> {
                if (s.key() != null) term(s.key(), out);
                term(s.value(), out);
                term(s.collection(), out);
            }
            // variables inside every/not are local to them or bound outside
            case Ast.Every ignored -> { }
            case Ast.Not ignored -> { }
        }
        for (Ast.With w : e.withs()) term(w.value(), out);
    }

    private static void term(Ast.Term t, Set<String> out) {
        switch (t) {
            case Ast.Var v -> {
                String n = v.name();
                if (!n.startsWith("_") && !n.startsWith("$") && !n.equals("data") && !n.equals("input")) out.add(n);
            }
            case Ast.Ref r -> {
                term(r.head(), out);
                r.path().forEach(p -> term(p, out));
            }
            case Ast.ArrayTerm a -> a.items().forEach(i -> term(i, out));
            case Ast.SetTerm s -> s.items().forEach(i -> term(i, out));
            case Ast.ObjectTerm o -> { o.keys().forEach(k -> term(k, out)); o.values().forEach(v -> term(v, out)); }
            case Ast.Call c -> c.args().forEach(a -> term(a, out));
            default -> { } // scalars; comprehensions keep their variables to themselves
        }
    }

    static List<String> sources(List<String> modules, String query) {
        List<String> all = new ArrayList<>(modules);
        all.add(module(query));
        return all;
    }
}
