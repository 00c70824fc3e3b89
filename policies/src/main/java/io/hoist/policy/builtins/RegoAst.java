package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import io.hoist.policy.rego.ast.Ast;
import io.hoist.policy.rego.parse.Parser;
import io.hoist.policy.rego.parse.RegoSyntaxException;
import io.hoist.policy.runtime.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * rego.parse_module: a module's syntax tree as JSON in the shape OPA's ast package marshals it (package path,
 * imports, rules with head name/ref/key/value/args/assign, bodies of indexed expressions whose terms are
 * {type, value} objects; operators as refs to their builtin names). Not carried: locations, comments, and
 * annotations; wildcards are named {@code $N} as OPA's parser names them.
 */
final class RegoAst {
    private RegoAst() {}

    static void register() {
        define("rego.parse_module", 2, a -> {
            String file = str("rego.parse_module", a, 0), text = str("rego.parse_module", a, 1);
            try {
                return module(Parser.parseModule(file, text));
            } catch (RegoSyntaxException e) {
                throw new BuiltinError("eval_builtin_error", "rego_parse_error: " + e.getMessage());
            }
        });
    }

    private static Object module(Ast.Module m) {
        TreeMap<Object, Object> out = Values.newObject();
        List<Object> path = new ArrayList<>(List.of(term("var", "data")));
        for (String s : m.pkg()) path.add(term("string", s));
        out.put("package", obj("path", path));
        if (!m.imports().isEmpty()) {
            List<Object> imports = new ArrayList<>();
            for (Ast.Import i : m.imports()) {
                TreeMap<Object, Object> imp = obj("path", term(i.path()));
                if (i.alias() != null) imp.put("alias", i.alias());
                imports.add(imp);
            }
            out.put("imports", imports);
        }
        List<Object> rules = new ArrayList<>();
        for (Ast.Rule r : m.rules()) rules.add(rule(r));
        if (!rules.isEmpty()) out.put("rules", rules);
        return out;
    }

    private static Object rule(Ast.Rule r) {
        TreeMap<Object, Object> head = Values.newObject();
        List<Object> ref = new ArrayList<>();
        for (int i = 0; i < r.path().size(); i++) ref.add(i == 0 ? term("var", r.path().get(i)) : term("string", r.path().get(i)));
        for (Ast.Term t : r.keyPrefix()) ref.add(term(t));
        head.put("name", r.path().get(r.path().size() - 1));
        head.put("ref", ref);
        switch (r.kind()) {
            case PARTIAL_SET -> head.put("key", term(r.key()));
            case PARTIAL_OBJECT -> { head.put("key", term(r.key())); if (!r.setLeaf()) head.put("value", term(r.value())); }
            case FUNCTION -> {
                List<Object> args = new ArrayList<>();
                for (Ast.Term t : r.args()) args.add(term(t));
                head.put("args", args);
                head.put("value", r.value() == null ? term("boolean", true) : term(r.value()));
            }
            case COMPLETE -> head.put("value", r.value() == null ? term("boolean", true) : term(r.value()));
        }
        TreeMap<Object, Object> out = Values.newObject();
        out.put("head", head);
        out.put("body", r.body().isEmpty() ? List.of(expr(0, new Ast.Expr(r.pos(), new Ast.TermExpr(new Ast.Scalar(r.pos(), true)), List.of()))) : body(r.body()));
        if (r.isDefault()) out.put("default", true);
        if (r.elseRule() != null) out.put("else", rule(r.elseRule()));
        return out;
    }

    private static List<Object> body(List<Ast.Expr> exprs) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < exprs.size(); i++) out.add(expr(i, exprs.get(i)));
        return out;
    }

    private static Object expr(int index, Ast.Expr e) {
        TreeMap<Object, Object> out = Values.newObject();
        out.put("index", d(index));
        Ast.ExprKind k = e.kind();
        if (k instanceof Ast.Not n) {
            out = (TreeMap<Object, Object>) expr(index, n.expr());
            out.put("negated", true);
        } else {
            out.put("terms", switch (k) {
                case Ast.TermExpr t when t.term() instanceof Ast.Call c -> callTerms(c);
                case Ast.TermExpr t -> term(t.term());
                case Ast.Unify u -> new ArrayList<>(List.of(op("eq"), term(u.left()), term(u.right())));
                case Ast.Assign as -> new ArrayList<>(List.of(op("assign"), term(as.left()), term(as.right())));
                case Ast.SomeDecl s -> {
                    List<Object> symbols = new ArrayList<>();
                    for (Ast.Var v : s.vars()) symbols.add(term(v));
                    yield obj("symbols", symbols);
                }
                case Ast.SomeIn s -> {
                    List<Object> call = new ArrayList<>(List.of(op(s.key() == null ? "internal.member_2" : "internal.member_3")));
                    if (s.key() != null) call.add(term(s.key()));
                    call.add(term(s.value()));
                    call.add(term(s.collection()));
                    yield obj("symbols", new ArrayList<>(List.of(term("call", call))));
                }
                case Ast.Every ev -> {
                    TreeMap<Object, Object> every = Values.newObject();
                    if (ev.key() != null) every.put("key", term(ev.key()));
                    every.put("value", term(ev.value()));
                    every.put("domain", term(ev.collection()));
                    every.put("body", body(ev.body()));
                    yield every;
                }
                case Ast.Not n -> throw new IllegalStateException("handled above");
            });
        }
        if (!e.withs().isEmpty()) {
            List<Object> withs = new ArrayList<>();
            for (Ast.With w : e.withs()) {
                TreeMap<Object, Object> wo = obj("target", term(w.target()));
                wo.put("value", term(w.value()));
                withs.add(wo);
            }
            out.put("with", withs);
        }
        return out;
    }

    private static List<Object> callTerms(Ast.Call c) {
        List<Object> out = new ArrayList<>(List.of(op(c.name())));
        for (Ast.Term t : c.args()) out.add(term(t));
        return out;
    }

    /** A builtin or function name as OPA writes the operator of a call: a ref of its dotted parts. */
    private static Object op(String name) {
        String[] parts = name.split("\\.");
        List<Object> ref = new ArrayList<>(List.of(term("var", parts[0])));
        for (int i = 1; i < parts.length; i++) ref.add(term("string", parts[i]));
        return term("ref", ref);
    }

    private static Object term(Ast.Term t) {
        return switch (t) {
            case Ast.Scalar s when s.value() == null || s.value() == Values.NULL -> term("null", Values.NULL);
            case Ast.Scalar s when s.value() instanceof Boolean b -> term("boolean", b);
            case Ast.Scalar s when s.value() instanceof String str -> term("string", str);
            case Ast.Scalar s -> term("number", s.value());
            case Ast.Var v -> term("var", v.isWildcard() ? "$" + v.name().substring(2) : v.name());
            case Ast.Ref r -> {
                List<Object> parts = new ArrayList<>(List.of(term(r.head())));
                for (Ast.Term p : r.path()) parts.add(term(p));
                yield term("ref", parts);
            }
            case Ast.ArrayTerm a -> term("array", terms(a.items()));
            case Ast.SetTerm s -> term("set", terms(s.items()));
            case Ast.ObjectTerm o -> {
                List<Object> pairs = new ArrayList<>();
                for (int i = 0; i < o.keys().size(); i++) pairs.add(new ArrayList<>(List.of(term(o.keys().get(i)), term(o.values().get(i)))));
                yield term("object", pairs);
            }
            case Ast.ArrayCompr c -> { TreeMap<Object, Object> v = obj("term", term(c.head())); v.put("body", body(c.body())); yield term("arraycomprehension", v); }
            case Ast.SetCompr c -> { TreeMap<Object, Object> v = obj("term", term(c.head())); v.put("body", body(c.body())); yield term("setcomprehension", v); }
            case Ast.ObjectCompr c -> {
                TreeMap<Object, Object> v = obj("key", term(c.key()));
                v.put("value", term(c.value()));
                v.put("body", body(c.body()));
                yield term("objectcomprehension", v);
            }
            case Ast.Call c -> term("call", callTerms(c));
        };
    }

    private static List<Object> terms(List<Ast.Term> ts) {
        List<Object> out = new ArrayList<>();
        for (Ast.Term t : ts) out.add(term(t));
        return out;
    }

    private static Object term(String type, Object value) {
        TreeMap<Object, Object> m = obj("type", type);
        m.put("value", value);
        return m;
    }

    private static TreeMap<Object, Object> obj(String k, Object v) {
        TreeMap<Object, Object> m = Values.newObject();
        m.put(k, v);
        return m;
    }

}
