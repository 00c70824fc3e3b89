package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import io.hoist.policy.rego.ast.Ast;
import io.hoist.policy.rego.parse.Parser;
import io.hoist.policy.rego.parse.RegoSyntaxException;
import io.hoist.policy.runtime.Values;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;

/**
 * rego.parse_module: a module's syntax tree as JSON in the shape OPA's ast package marshals it (package path,
 * imports, rules with head name/ref/key/value/args/assign, bodies of indexed expressions whose terms are
 * {type, value} objects; operators as refs to their builtin names) and comments. Like OPA's rego.parse_module
 * (ast.ParseModule with default options) it carries no locations and does not process {@code # METADATA}
 * annotations: those blocks appear only as comments. Wildcards are named {@code $N} as OPA's parser names them.
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
        if (!m.comments().isEmpty()) {
            // Go's encoding of ast.Comment, which has no JSON tags: Text as base64 bytes, Location always included
            List<Object> comments = new ArrayList<>();
            for (Ast.Comment c : m.comments()) {
                TreeMap<Object, Object> loc = obj("file", c.pos().file());
                loc.put("row", d(c.pos().line()));
                loc.put("col", d(c.pos().col()));
                TreeMap<Object, Object> comment = obj("Text", Base64.getEncoder().encodeToString(c.text().getBytes(StandardCharsets.UTF_8)));
                comment.put("Location", loc);
                comments.add(comment);
            }
            out.put("comments", comments);
        }
        return out;
    }

    private static Object rule(Ast.Rule r) {
        return rule(r, head(r));
    }

    /** A rule as OPA marshals it; an else branch copies its rule's head with its own value and assign flag. */
    private static Object rule(Ast.Rule r, Head head) {
        TreeMap<Object, Object> out = Values.newObject();
        out.put("head", head.json());
        out.put("body", r.body().isEmpty() ? List.of(expr(0, new Ast.Expr(r.pos(), new Ast.TermExpr(new Ast.Scalar(r.pos(), true)), List.of()))) : body(r.body()));
        if (r.isDefault()) out.put("default", true);
        Ast.Rule e = r.elseRule();
        if (e != null) {
            Object value = e.syntax().valued() ? term(e.value()) : term("boolean", true);
            out.put("else", rule(e, new Head(head.name, head.ref, head.key, value, head.args, e.syntax().assign())));
        }
        return out;
    }

    /** The fields of OPA's ast.Head; null ones are left out as Go's omitempty does. */
    private record Head(String name, List<Object> ref, Object key, Object value, List<Object> args, boolean assign) {
        TreeMap<Object, Object> json() {
            TreeMap<Object, Object> out = Values.newObject();
            if (name != null) out.put("name", name);
            out.put("ref", ref);
            if (key != null) out.put("key", key);
            if (value != null) out.put("value", value);
            if (args != null && !args.isEmpty()) out.put("args", args);
            if (assign) out.put("assign", true);
            return out;
        }
    }

    /**
     * The head as OPA's v1 parser builds it from the written ref: a one-term ref names the rule; {@code p[x] if}
     * keys the object by a non-ground x; {@code p[x] := v} and {@code p.q := v} without {@code if} keep the
     * pre-1.0 partial-object reading (name p, key x), and {@code p[x]} without a value is a set p with key x.
     */
    private static Head head(Ast.Rule r) {
        Ast.HeadSyntax syn = r.syntax();
        List<Ast.Term> written = syn.ref();
        List<Object> ref = terms(written);
        String name = written.size() == 1 ? ((Ast.Var) written.getFirst()).name() : null;
        List<Object> args = r.args() == null ? null : terms(r.args());
        if (syn.contains()) return new Head(name, ref, term(r.key()), null, args, false);
        Object value = syn.valued() ? term(r.value()) : null;
        Object key = null;
        if (value == null && (written.size() != 2 || args != null)) value = term("boolean", true);
        if (!r.isDefault() && written.size() == 2) {
            Ast.Term second = written.get(1);
            String first = ((Ast.Var) written.getFirst()).name();
            if (syn.hasIf()) {
                if ((second instanceof Ast.Ref || !ground(second)) && args == null) key = term(second);
                if (value == null) value = term("boolean", true);
                else name = first;
            } else if (args == null) {
                name = first;
                key = term(second);
                if (value == null) ref = ref.subList(0, 1);
            }
        }
        return new Head(name, ref, key, value, args, syn.assign());
    }

    /** No variables anywhere inside (OPA's IsGround). */
    private static boolean ground(Ast.Term t) {
        return switch (t) {
            case Ast.Scalar s -> true;
            case Ast.Var v -> false;
            case Ast.Ref r -> false;
            case Ast.ArrayTerm a -> a.items().stream().allMatch(RegoAst::ground);
            case Ast.SetTerm s -> s.items().stream().allMatch(RegoAst::ground);
            case Ast.ObjectTerm o -> o.keys().stream().allMatch(RegoAst::ground) && o.values().stream().allMatch(RegoAst::ground);
            default -> false;
        };
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
                    every.put("key", ev.key() != null ? term(ev.key()) : Values.NULL); // OPA marshals a missing key as null
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
            // OPA's parser turns a bare root document (input, data) into a one-term ref
            case Ast.Var v when v.name().equals("input") || v.name().equals("data") -> term("ref", new ArrayList<>(List.of(var(v))));
            case Ast.Var v -> var(v);
            case Ast.Ref r -> {
                List<Object> parts = new ArrayList<>(List.of(r.head() instanceof Ast.Var v ? var(v) : term(r.head())));
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

    private static Object var(Ast.Var v) {
        return term("var", v.isWildcard() ? "$" + v.name().substring(2) : v.name());
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
