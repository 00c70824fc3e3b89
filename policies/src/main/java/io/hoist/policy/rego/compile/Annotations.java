package io.hoist.policy.rego.compile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.hoist.policy.rego.ast.Ast.*;
import io.hoist.policy.rego.ast.Ast.Module;
import io.hoist.policy.rego.parse.RegoSyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * OPA's {@code # METADATA} comment blocks (YAML after the {@code #}), attached to the package or rule that follows
 * them, and the two builtins that read them. OPA answers {@code rego.metadata.chain()} and
 * {@code rego.metadata.rule()} from the annotations of the rule the call is in, which are known when the modules
 * are compiled, so the calls are replaced by those constants here.
 */
final class Annotations {
    private static final ObjectMapper YAML = new YAMLMapper();
    static final String CHAIN = "rego.metadata.chain";
    static final String RULE = "rego.metadata.rule";

    private final Map<List<String>, Map<String, Object>> packageScope = new HashMap<>();
    private final Map<List<String>, Map<String, Object>> subpackagesScope = new HashMap<>();
    private final Map<List<String>, Map<String, Object>> documentScope = new HashMap<>();
    private final Map<Rule, Map<String, Object>> ruleScope = new IdentityHashMap<>();

    /** Reads the blocks of every module (sources and parsed modules in the same order). */
    static Annotations of(List<SourceFile> files, List<Module> modules) {
        Annotations a = new Annotations();
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).text().contains("METADATA")) a.read(files.get(i), modules.get(i));
        }
        return a;
    }

    private void read(SourceFile file, Module mod) {
        String[] lines = file.text().split("\n", -1);
        Map<Integer, Rule> rulesByLine = new HashMap<>();
        for (Rule r : mod.rules()) rulesByLine.putIfAbsent(r.pos().line(), r);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].strip().matches("#\\s*METADATA")) continue;
            int blockLine = i + 1;
            StringBuilder yaml = new StringBuilder();
            int j = i + 1;
            for (; j < lines.length && lines[j].strip().startsWith("#"); j++) {
                String l = lines[j].strip().substring(1);
                yaml.append(l.startsWith(" ") ? l.substring(1) : l).append('\n');
            }
            while (j < lines.length && lines[j].isBlank()) j++;
            Map<String, Object> annotations = parse(file.name(), blockLine, yaml.toString());
            if (j < lines.length && lines[j].strip().startsWith("package ")) {
                String scope = (String) annotations.computeIfAbsent("scope", k -> "package");
                if (scope.equals("package")) packageScope.merge(mod.pkg(), annotations, (x, y) -> x);
                else if (scope.equals("subpackages")) subpackagesScope.merge(mod.pkg(), annotations, (x, y) -> x);
                else throw new RegoSyntaxException(new Pos(file.name(), blockLine, 1), "annotation scope '" + scope + "' must be package or subpackages on a package");
            } else if (rulesByLine.get(j + 1) != null) {
                Rule rule = rulesByLine.get(j + 1);
                String scope = (String) annotations.computeIfAbsent("scope", k -> "rule");
                if (scope.equals("rule")) ruleScope.putIfAbsent(rule, annotations);
                else if (scope.equals("document")) documentScope.putIfAbsent(path(mod, rule), annotations);
                else throw new RegoSyntaxException(new Pos(file.name(), blockLine, 1), "annotation scope '" + scope + "' must be rule or document on a rule");
            } else {
                i = j - 1;
                continue; // a block before anything else (an import, the end) annotates nothing, as in OPA's parser
            }
            i = j - 1;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String file, int line, String yaml) {
        Object v;
        try {
            v = yaml.isBlank() ? Map.of() : YAML.readValue(yaml, Object.class);
        } catch (java.io.IOException e) {
            throw new RegoSyntaxException(new Pos(file, line, 1), "METADATA block is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(v instanceof Map<?, ?> m)) throw new RegoSyntaxException(new Pos(file, line, 1), "METADATA block must be a YAML mapping");
        Map<String, Object> out = new TreeMap<>((Map<String, Object>) m);
        if (out.get("authors") instanceof List<?> authors) {
            List<Object> norm = new ArrayList<>();
            for (Object a : authors) norm.add(a instanceof String s ? author(s) : a);
            out.put("authors", norm);
        } else if (out.get("authors") instanceof String s) {
            out.put("authors", List.of(author(s)));
        }
        if (out.get("related_resources") instanceof List<?> rr) {
            List<Object> norm = new ArrayList<>();
            for (Object r : rr) norm.add(r instanceof String s ? Map.of("ref", s) : r);
            out.put("related_resources", norm);
        }
        return out;
    }

    /** "Jane Doe <jane@example.com>" as OPA splits it: the last word in angle brackets is the email. */
    private static Map<String, Object> author(String s) {
        String[] parts = s.strip().split("\\s+");
        String last = parts[parts.length - 1];
        Map<String, Object> a = new LinkedHashMap<>();
        if (last.length() > 2 && last.startsWith("<") && last.endsWith(">")) {
            a.put("name", String.join(" ", java.util.Arrays.copyOf(parts, parts.length - 1)));
            a.put("email", last.substring(1, last.length() - 1));
        } else {
            a.put("name", String.join(" ", parts));
        }
        return a;
    }

    private static List<String> path(Module mod, Rule r) {
        List<String> p = new ArrayList<>(mod.pkg());
        p.addAll(r.path());
        return p;
    }

    /** OPA's AnnotationSet.Chain: the rule (always), its document, its package, then enclosing subpackages. */
    List<Object> chain(Module mod, Rule rule) {
        List<Object> refs = new ArrayList<>();
        refs.add(ref(path(mod, rule), ruleScope.get(rule)));
        Map<String, Object> doc = documentScope.get(path(mod, rule));
        if (doc != null) refs.add(ref(path(mod, rule), doc));
        Map<String, Object> pkg = packageScope.get(mod.pkg());
        if (pkg != null) refs.add(ref(mod.pkg(), pkg));
        for (int n = mod.pkg().size(); n >= 1; n--) {
            Map<String, Object> sub = subpackagesScope.get(mod.pkg().subList(0, n));
            if (sub != null) refs.add(ref(mod.pkg().subList(0, n), sub));
        }
        return refs;
    }

    private static Map<String, Object> ref(List<String> path, Map<String, Object> annotations) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("path", new ArrayList<Object>(path));
        if (annotations != null) r.put("annotations", annotations);
        return r;
    }

    /** The modules with every rego.metadata.chain()/rule() call replaced by its value for the enclosing rule. */
    List<Module> rewrite(List<Module> modules) {
        List<Module> out = new ArrayList<>();
        for (Module m : modules) {
            List<Rule> rules = new ArrayList<>();
            for (Rule r : m.rules()) {
                Rewriter rw = new Rewriter(this, m, r);
                rules.add(rw.rule(r));
            }
            out.add(new Module(m.file(), m.pkg(), m.imports(), rules, m.comments()));
        }
        return out;
    }

    private Object ruleAnnotations(Rule r) {
        Map<String, Object> a = ruleScope.get(r);
        return a != null ? a : Map.of();
    }

    /** Maps every term of one rule (head, body, else branches), replacing the two metadata calls. */
    private record Rewriter(Annotations set, Module mod, Rule owner) {
        Rule rule(Rule r) {
            if (r == null) return null;
            return new Rule(r.pos(), r.path(), r.kind(), r.isDefault(), terms(r.args()), term(r.key()), term(r.value()),
                    body(r.body()), rule(r.elseRule()), terms(r.keyPrefix()), r.syntax());
        }

        List<Term> terms(List<Term> ts) {
            if (ts == null) return null;
            List<Term> out = new ArrayList<>(ts.size());
            for (Term t : ts) out.add(term(t));
            return out;
        }

        List<Expr> body(List<Expr> b) {
            if (b == null) return null;
            List<Expr> out = new ArrayList<>(b.size());
            for (Expr e : b) out.add(expr(e));
            return out;
        }

        Expr expr(Expr e) {
            ExprKind k = switch (e.kind()) {
                case TermExpr t -> new TermExpr(term(t.term()));
                case Unify u -> new Unify(term(u.left()), term(u.right()));
                case Assign a -> new Assign(term(a.left()), term(a.right()));
                case SomeDecl s -> s;
                case SomeIn s -> new SomeIn(term(s.key()), term(s.value()), term(s.collection()));
                case Every ev -> new Every(ev.key(), ev.value(), term(ev.collection()), body(ev.body()));
                case Not n -> new Not(expr(n.expr()));
            };
            List<With> withs = new ArrayList<>();
            for (With w : e.withs()) withs.add(new With(w.pos(), w.target(), term(w.value())));
            return new Expr(e.pos(), k, withs);
        }

        Term term(Term t) {
            return switch (t) {
                case null -> null;
                case Call c when c.args().isEmpty() && c.name().equals(CHAIN) -> constant(c.pos(), set.chain(mod, owner));
                case Call c when c.args().isEmpty() && c.name().equals(RULE) -> constant(c.pos(), set.ruleAnnotations(owner));
                case Call c -> new Call(c.pos(), c.name(), terms(c.args()));
                case Ref r -> new Ref(r.pos(), term(r.head()), terms(r.path()));
                case ArrayTerm a -> new ArrayTerm(a.pos(), terms(a.items()));
                case SetTerm s -> new SetTerm(s.pos(), terms(s.items()));
                case ObjectTerm o -> new ObjectTerm(o.pos(), terms(o.keys()), terms(o.values()));
                case ArrayCompr a -> new ArrayCompr(a.pos(), term(a.head()), body(a.body()));
                case SetCompr s -> new SetCompr(s.pos(), term(s.head()), body(s.body()));
                case ObjectCompr o -> new ObjectCompr(o.pos(), term(o.key()), term(o.value()), body(o.body()));
                case Scalar s -> s;
                case Var v -> v;
            };
        }
    }

    /** A YAML/JSON value as a ground Rego term. */
    static Term constant(Pos pos, Object v) {
        return switch (v) {
            case null -> new Scalar(pos, null);
            case String s -> new Scalar(pos, s);
            case Boolean b -> new Scalar(pos, b);
            case Number n -> new Scalar(pos, n.doubleValue());
            case List<?> l -> {
                List<Term> items = new ArrayList<>();
                for (Object x : l) items.add(constant(pos, x));
                yield new ArrayTerm(pos, items);
            }
            case Map<?, ?> m -> {
                List<Term> keys = new ArrayList<>(), values = new ArrayList<>();
                m.forEach((k, x) -> { keys.add(constant(pos, String.valueOf(k))); values.add(constant(pos, x)); });
                yield new ObjectTerm(pos, keys, values);
            }
            default -> new Scalar(pos, String.valueOf(v)); // YAML dates and the like, as text
        };
    }
}
