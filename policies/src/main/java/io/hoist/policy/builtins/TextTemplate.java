package io.hoist.policy.builtins;

import io.hoist.policy.runtime.Values;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * strings.render_template: the part of Go's text/template that templates over OPA's variables use, with OPA's
 * settings (missingkey=error: a missing key is an error, never "&lt;no value&gt;"). Values reach the template as
 * OPA hands them to Go: numbers as json.Number (a string kind: printed as their JSON text, always true in
 * {@code if}, equal to a string of the same text), sets as arrays, objects as maps printed {@code map[k:v ...]}.
 * Supported: text, {@code {{- -}}} trimming, comments, {@code .a.b}, {@code $}, variables ({@code :=}, {@code =}),
 * pipelines with {@code |}, parentheses, string/number/bool/nil literals, {@code if}/{@code else if}/{@code else},
 * {@code range} (with {@code $i, $x :=} and {@code else}), {@code with}, and the functions and, or, not, len, index,
 * eq, ne, lt, le, gt, ge, print, println. Anything else (define, template, block, printf, html, js, break) is a
 * parse error naming it.
 */
final class TextTemplate {
    private static final String FN = "strings.render_template";

    private TextTemplate() {}

    static void register() {
        Builtins.define(FN, 2, a -> {
            String text = Builtins.str(FN, a, 0);
            Map<Object, Object> vars = Builtins.obj(FN, a, 1);
            List<Node> nodes = new Parser(text).parseAll();
            StringBuilder out = new StringBuilder();
            new Exec(goValue(vars)).run(nodes, goValue(vars), out);
            return out.toString();
        });
    }

    static BuiltinError error(String msg) {
        return new BuiltinError("eval_builtin_error", FN + ": template: " + msg);
    }

    // ------------------------------------------------------------------ values as Go sees them

    /** A Rego number as OPA hands it to Go: json.Number, a string type holding the number's JSON text. */
    record JsonNumber(String text) {}

    /** A numeric literal written in the template (Go int or float64). */
    record Literal(BigDecimal value, boolean integer) {}

    private static Object goValue(Object v) {
        if (v instanceof Number n) return new JsonNumber(Values.toJsonText(n));
        if (v instanceof Values.Null) return null;
        if (v instanceof Map<?, ?> m) {
            TreeMap<String, Object> out = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(e.getKey() instanceof String s ? s : Values.toJsonText(e.getKey()), goValue(e.getValue()));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>();
            for (Object x : c) out.add(goValue(x));
            return out;
        }
        return v;
    }

    /** fmt's %v of a value. */
    static String print(Object v) {
        if (v == null) return "<nil>";
        if (v instanceof JsonNumber n) return n.text();
        if (v instanceof Literal l) return l.value().toPlainString();
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) b.append(i == 0 ? "" : " ").append(print(l.get(i)));
            return b.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("map[");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(first ? "" : " ").append(e.getKey()).append(':').append(print(e.getValue()));
                first = false;
            }
            return b.append(']').toString();
        }
        return String.valueOf(v);
    }

    static boolean truth(Object v) {
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof String s) return !s.isEmpty();
        if (v instanceof JsonNumber n) return !n.text().isEmpty();
        if (v instanceof Literal l) return l.value().signum() != 0;
        if (v instanceof List<?> l) return !l.isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }

    // ------------------------------------------------------------------ syntax tree

    sealed interface Node permits Text, Action, If, Range, With {}
    record Text(String text) implements Node {}
    record Action(Pipeline pipe) implements Node {}
    record If(List<Pipeline> conds, List<List<Node>> bodies, List<Node> otherwise) implements Node {}
    record Range(Pipeline pipe, List<Node> body, List<Node> otherwise) implements Node {}
    record With(Pipeline pipe, List<Node> body, List<Node> otherwise) implements Node {}

    /** {@code $a, $b := cmd | cmd} (decl empty when nothing is declared; assign for {@code =}). */
    record Pipeline(List<String> decl, boolean assign, List<List<Operand>> cmds, String text) {}

    sealed interface Operand permits Dot, Field, Var, Const, Fn, Sub {}
    record Dot() implements Operand {}
    /** {@code base.f1.f2}; base null means dot. */
    record Field(Operand base, List<String> names) implements Operand {}
    record Var(String name) implements Operand {}
    record Const(Object value) implements Operand {}
    record Fn(String name) implements Operand {}
    record Sub(Pipeline pipe) implements Operand {}

    // ------------------------------------------------------------------ parser

    private static final class Parser {
        private final String src;
        private int pos;
        /** Tokens of the action being read. */
        private List<String> toks;
        private int tk;

        Parser(String src) { this.src = src; }

        List<Node> parseAll() {
            List<Node> nodes = new ArrayList<>();
            String end = parseList(nodes);
            if (end != null) throw error("unexpected {{" + end + "}}");
            return nodes;
        }

        /** Reads nodes up to an {{end}} or {{else ...}} (returned as its keyword text), or the end of the text (null). */
        private String parseList(List<Node> nodes) {
            while (pos < src.length()) {
                int open = src.indexOf("{{", pos);
                String text = open < 0 ? src.substring(pos) : src.substring(pos, open);
                if (open >= 0 && src.startsWith("{{- ", open)) text = text.stripTrailing();
                if (!text.isEmpty()) nodes.add(new Text(text));
                if (open < 0) { pos = src.length(); break; }
                pos = open + 2;
                if (src.startsWith("- ", pos)) pos += 2;
                int close = readAction();
                if (toks.isEmpty()) continue; // a comment
                String kw = toks.get(0);
                switch (kw) {
                    case "end" -> { expectEnd(1); return "end"; }
                    case "else" -> { return "else"; }
                    case "if" -> nodes.add(parseIf());
                    case "range" -> {
                        tk = 1;
                        Pipeline p = pipeline(true);
                        List<Node> body = new ArrayList<>();
                        String e = parseList(body);
                        List<Node> otherwise = elseBranch(e, "range");
                        nodes.add(new Range(p, body, otherwise));
                    }
                    case "with" -> {
                        tk = 1;
                        Pipeline p = pipeline(true);
                        List<Node> body = new ArrayList<>();
                        String e = parseList(body);
                        nodes.add(new With(p, body, elseBranch(e, "with")));
                    }
                    case "define", "template", "block", "break", "continue" -> throw error("{{" + kw + "}} is not supported");
                    default -> { tk = 0; nodes.add(new Action(pipeline(true))); }
                }
                if (close < 0) throw error("unclosed action");
            }
            return null;
        }

        private If parseIf() {
            List<Pipeline> conds = new ArrayList<>();
            List<List<Node>> bodies = new ArrayList<>();
            tk = 1;
            conds.add(pipeline(false));
            while (true) {
                List<Node> body = new ArrayList<>();
                String e = parseList(body);
                bodies.add(body);
                if (e == null) throw error("unexpected EOF in if");
                if (e.equals("end")) return new If(conds, bodies, List.of());
                // else, or else if
                if (toks.size() > 1 && toks.get(1).equals("if")) {
                    tk = 2;
                    conds.add(pipeline(false));
                    continue;
                }
                expectEnd(1);
                List<Node> otherwise = new ArrayList<>();
                String e2 = parseList(otherwise);
                if (!"end".equals(e2)) throw error("expected {{end}} after {{else}} in if");
                return new If(conds, bodies, otherwise);
            }
        }

        private List<Node> elseBranch(String e, String what) {
            if (e == null) throw error("unexpected EOF in " + what);
            if (e.equals("end")) return List.of();
            expectEnd(1);
            List<Node> otherwise = new ArrayList<>();
            if (!"end".equals(parseList(otherwise))) throw error("expected {{end}} after {{else}} in " + what);
            return otherwise;
        }

        private void expectEnd(int at) {
            if (toks.size() != at) throw error("unexpected " + toks.get(at) + " in {{" + toks.get(0) + "}}");
        }

        /** Tokenises one action from pos (after the opening delimiter); returns the position after }}. */
        private int readAction() {
            toks = new ArrayList<>();
            tk = 0;
            while (true) {
                while (pos < src.length() && Character.isWhitespace(src.charAt(pos)) && !src.startsWith(" -}}", pos)) pos++;
                if (src.startsWith(" -}}", pos)) {
                    pos += 4;
                    int p = pos;
                    while (p < src.length() && Character.isWhitespace(src.charAt(p))) p++;
                    pos = p;
                    return pos;
                }
                if (src.startsWith("}}", pos)) { pos += 2; return pos; }
                if (pos >= src.length()) throw error("unclosed action");
                char c = src.charAt(pos);
                if (src.startsWith("/*", pos)) {
                    int end = src.indexOf("*/", pos + 2);
                    if (end < 0) throw error("unclosed comment");
                    pos = end + 2;
                } else if (c == '"') {
                    int p = pos + 1;
                    StringBuilder b = new StringBuilder();
                    while (p < src.length() && src.charAt(p) != '"') {
                        char ch = src.charAt(p++);
                        if (ch == '\\' && p < src.length()) {
                            char esc = src.charAt(p++);
                            b.append(switch (esc) { case 'n' -> '\n'; case 't' -> '\t'; case 'r' -> '\r'; default -> esc; });
                        } else b.append(ch);
                    }
                    if (p >= src.length()) throw error("unterminated quoted string");
                    toks.add("\"" + b);
                    pos = p + 1;
                } else if (c == '`') {
                    int end = src.indexOf('`', pos + 1);
                    if (end < 0) throw error("unterminated raw quoted string");
                    toks.add("\"" + src.substring(pos + 1, end));
                    pos = end + 1;
                } else if (src.startsWith(":=", pos)) {
                    toks.add(":=");
                    pos += 2;
                } else if ("|(),=".indexOf(c) >= 0) {
                    toks.add(String.valueOf(c));
                    pos++;
                } else {
                    int p = pos + 1;
                    while (p < src.length() && (Character.isLetterOrDigit(src.charAt(p)) || "_.$+-".indexOf(src.charAt(p)) >= 0)
                            && !src.startsWith("-}}", p)) p++;
                    toks.add(src.substring(pos, p));
                    pos = p;
                }
            }
        }

        private boolean more() { return tk < toks.size(); }

        /** A pipeline from toks[tk] to the end of the action (or a closing parenthesis). */
        private Pipeline pipeline(boolean declarations) {
            int start = tk;
            List<String> decl = new ArrayList<>();
            boolean assign = false;
            // $x := ..., $i, $x := ..., $x = ...
            int look = tk;
            List<String> vars = new ArrayList<>();
            while (look < toks.size() && toks.get(look).startsWith("$") && !toks.get(look).contains(".")) {
                vars.add(toks.get(look));
                if (look + 1 < toks.size() && toks.get(look + 1).equals(",")) { look += 2; continue; }
                look++;
                break;
            }
            if (!vars.isEmpty() && look < toks.size() && (toks.get(look).equals(":=") || toks.get(look).equals("="))) {
                if (vars.size() > 2) throw error("too many declarations in " + String.join(" ", toks));
                decl = vars;
                assign = toks.get(look).equals("=");
                tk = look + 1;
            }
            List<List<Operand>> cmds = new ArrayList<>();
            List<Operand> cmd = new ArrayList<>();
            while (more() && !toks.get(tk).equals(")")) {
                String t = toks.get(tk++);
                if (t.equals("|")) {
                    if (cmd.isEmpty()) throw error("missing command before |");
                    cmds.add(cmd);
                    cmd = new ArrayList<>();
                    continue;
                }
                cmd.add(operand(t));
            }
            if (!cmd.isEmpty()) cmds.add(cmd);
            if (cmds.isEmpty()) throw error("missing value for command");
            return new Pipeline(decl, assign, cmds, String.join(" ", toks.subList(start, tk)));
        }

        private Operand operand(String t) {
            Operand base;
            String rest = "";
            if (t.equals("(")) {
                Pipeline p = pipeline(false);
                if (!more() || !toks.get(tk).equals(")")) throw error("unclosed left paren");
                tk++;
                base = new Sub(p);
                // a field chain right after the parenthesis is its own token
                if (more() && toks.get(tk).startsWith(".") && toks.get(tk).length() > 1) rest = toks.get(tk++);
                return rest.isEmpty() ? base : new Field(base, fields(rest));
            }
            if (t.startsWith("\"")) return new Const(t.substring(1));
            if (t.equals(".")) return new Dot();
            if (t.startsWith(".")) return new Field(null, fields(t));
            if (t.startsWith("$")) {
                int dot = t.indexOf('.', 1);
                if (dot < 0) return new Var(t);
                return new Field(new Var(t.substring(0, dot)), fields(t.substring(dot)));
            }
            switch (t) {
                case "true": return new Const(Boolean.TRUE);
                case "false": return new Const(Boolean.FALSE);
                case "nil": return new Const(null);
                default:
            }
            if (Character.isDigit(t.charAt(0)) || ((t.charAt(0) == '-' || t.charAt(0) == '+') && t.length() > 1)) {
                try {
                    BigDecimal n = new BigDecimal(t);
                    return new Const(new Literal(n, !t.contains(".") && !t.contains("e") && !t.contains("E")));
                } catch (NumberFormatException e) {
                    throw error("bad number syntax: " + t);
                }
            }
            if (Exec.FUNCTIONS.contains(t)) return new Fn(t);
            if (t.equals("else") || t.equals("end") || t.equals("if") || t.equals("range") || t.equals("with"))
                throw error("unexpected <" + t + "> in command");
            throw error("function \"" + t + "\" not defined");
        }

        private static List<String> fields(String chain) {
            List<String> names = new ArrayList<>();
            for (String f : chain.substring(1).split("\\.", -1)) {
                if (f.isEmpty()) throw error("bad field chain " + chain);
                names.add(f);
            }
            return names;
        }
    }

    // ------------------------------------------------------------------ execution

    private static final class Exec {
        static final java.util.Set<String> FUNCTIONS = java.util.Set.of("and", "or", "not", "len", "index", "eq", "ne",
                "lt", "le", "gt", "ge", "print", "println");
        /** Variables in scope, innermost last; "$" is the data the template was given. */
        private final List<String> names = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();
        private int steps;

        Exec(Object root) {
            names.add("$");
            values.add(root);
        }

        void run(List<Node> nodes, Object dot, StringBuilder out) {
            for (Node n : nodes) {
                if (++steps > 1_000_000) throw error("template too expensive");
                switch (n) {
                    case Text t -> out.append(t.text());
                    case Action a -> {
                        Object v = pipeline(a.pipe(), dot);
                        if (a.pipe().decl().isEmpty()) out.append(v == null ? "<no value>" : print(v));
                    }
                    case If i -> {
                        int mark = names.size();
                        boolean done = false;
                        for (int k = 0; k < i.conds().size() && !done; k++) {
                            if (truth(pipeline(i.conds().get(k), dot))) {
                                run(i.bodies().get(k), dot, out);
                                done = true;
                            }
                        }
                        if (!done) run(i.otherwise(), dot, out);
                        pop(mark);
                    }
                    case With w -> {
                        int mark = names.size();
                        Object v = pipeline(w.pipe(), dot);
                        if (truth(v)) run(w.body(), v, out);
                        else run(w.otherwise(), dot, out);
                        pop(mark);
                    }
                    case Range r -> range(r, dot, out);
                }
            }
        }

        private void range(Range r, Object dot, StringBuilder out) {
            int mark = names.size();
            Pipeline p = r.pipe();
            Pipeline bare = new Pipeline(List.of(), false, p.cmds(), p.text());
            Object v = pipeline(bare, dot);
            List<Object[]> items = new ArrayList<>();
            if (v instanceof List<?> l) for (int i = 0; i < l.size(); i++) items.add(new Object[] {new Literal(BigDecimal.valueOf(i), true), l.get(i)});
            else if (v instanceof Map<?, ?> m) for (Map.Entry<?, ?> e : m.entrySet()) items.add(new Object[] {e.getKey(), e.getValue()});
            else if (v instanceof Literal l && l.integer()) for (int i = 0; i < l.value().intValue(); i++) items.add(new Object[] {new Literal(BigDecimal.valueOf(i), true), new Literal(BigDecimal.valueOf(i), true)});
            else if (v != null) throw error("range can't iterate over " + print(v));
            if (items.isEmpty()) {
                run(r.otherwise(), dot, out);
                pop(mark);
                return;
            }
            for (Object[] kv : items) {
                int inner = names.size();
                if (p.decl().size() == 1) declare(p.decl().get(0), kv[1], p.assign());
                else if (p.decl().size() == 2) {
                    declare(p.decl().get(0), kv[0], p.assign());
                    declare(p.decl().get(1), kv[1], p.assign());
                }
                run(r.body(), kv[1], out);
                pop(inner);
            }
            pop(mark);
        }

        private void pop(int mark) {
            while (names.size() > mark) {
                names.removeLast();
                values.removeLast();
            }
        }

        private void declare(String name, Object v, boolean assign) {
            if (assign) {
                for (int i = names.size() - 1; i >= 0; i--) {
                    if (names.get(i).equals(name)) { values.set(i, v); return; }
                }
                throw error("undefined variable: " + name);
            }
            names.add(name);
            values.add(v);
        }

        private Object variable(String name) {
            for (int i = names.size() - 1; i >= 0; i--) if (names.get(i).equals(name)) return values.get(i);
            throw error("undefined variable: " + name);
        }

        private Object pipeline(Pipeline p, Object dot) {
            Object v = null;
            boolean piped = false;
            for (List<Operand> cmd : p.cmds()) {
                v = command(cmd, dot, piped ? v : null, piped);
                piped = true;
            }
            for (String d : p.decl()) declare(d, v, p.assign());
            return v;
        }

        private Object command(List<Operand> cmd, Object dot, Object piped, boolean hasPiped) {
            Operand first = cmd.getFirst();
            if (first instanceof Fn f) {
                List<Object> args = new ArrayList<>();
                // and/or evaluate lazily, as Go does
                if (f.name().equals("and") || f.name().equals("or")) {
                    Object last = null;
                    int n = cmd.size() - 1 + (hasPiped ? 1 : 0);
                    if (n < 1) throw error("wrong number of args for " + f.name() + ": want at least 1 got 0");
                    for (int i = 1; i < cmd.size(); i++) {
                        last = operand(cmd.get(i), dot);
                        if (truth(last) != f.name().equals("and")) return last;
                    }
                    return hasPiped ? piped : last;
                }
                for (int i = 1; i < cmd.size(); i++) args.add(operand(cmd.get(i), dot));
                if (hasPiped) args.add(piped);
                return call(f.name(), args);
            }
            if (cmd.size() > 1 || hasPiped) throw error("can't give argument to non-function " + describe(first));
            return operand(first, dot);
        }

        private Object operand(Operand o, Object dot) {
            return switch (o) {
                case Dot d -> dot;
                case Var v -> variable(v.name());
                case Const c -> c.value();
                case Sub s -> pipeline(s.pipe(), dot);
                case Fn f -> call(f.name(), List.of());
                case Field f -> {
                    Object v = f.base() == null ? dot : operand(f.base(), dot);
                    for (String name : f.names()) {
                        if (v instanceof Map<?, ?> m) {
                            if (!m.containsKey(name)) throw error("map has no entry for key \"" + name + "\"");
                            v = m.get(name);
                        } else if (v == null) {
                            throw error("nil pointer evaluating interface {}." + name);
                        } else {
                            throw error("can't evaluate field " + name + " in type " + goType(v));
                        }
                    }
                    yield v;
                }
            };
        }

        private static String describe(Operand o) {
            return switch (o) {
                case Const c -> print(c.value());
                case Var v -> v.name();
                default -> o.toString();
            };
        }

        private static String goType(Object v) {
            if (v instanceof String) return "string";
            if (v instanceof Boolean) return "bool";
            if (v instanceof JsonNumber) return "json.Number";
            if (v instanceof Literal l) return l.integer() ? "int" : "float64";
            if (v instanceof List<?>) return "[]interface {}";
            return "map[string]interface {}";
        }

        private Object call(String fn, List<Object> a) {
            switch (fn) {
                case "not" -> { arity(fn, a, 1); return !truth(a.get(0)); }
                case "len" -> {
                    arity(fn, a, 1);
                    Object v = a.get(0);
                    int n;
                    if (v instanceof String s) n = s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                    else if (v instanceof JsonNumber j) n = j.text().length();
                    else if (v instanceof List<?> l) n = l.size();
                    else if (v instanceof Map<?, ?> m) n = m.size();
                    else throw error("error calling len: len of type " + (v == null ? "<nil>" : goType(v)));
                    return new Literal(BigDecimal.valueOf(n), true);
                }
                case "index" -> {
                    if (a.isEmpty()) throw error("wrong number of args for index: want at least 1 got 0");
                    Object v = a.get(0);
                    for (int i = 1; i < a.size(); i++) {
                        Object k = a.get(i);
                        if (v instanceof List<?> l) {
                            if (!(k instanceof Literal lit && lit.integer())) throw error("error calling index: cannot index slice/array with type " + (k == null ? "<nil>" : goType(k)));
                            int at = lit.value().intValue();
                            if (at < 0 || at >= l.size()) throw error("error calling index: index out of range: " + at);
                            v = l.get(at);
                        } else if (v instanceof Map<?, ?> m) {
                            if (!(k instanceof String s)) throw error("error calling index: value has type " + (k == null ? "<nil>" : goType(k)) + "; should be string");
                            v = m.get(s); // index returns the zero value for a missing key
                        } else if (v == null) {
                            throw error("error calling index: index of untyped nil");
                        } else throw error("error calling index: can't index item of type " + goType(v));
                    }
                    return v;
                }
                case "eq", "ne", "lt", "le", "gt", "ge" -> {
                    if (a.size() < 2) throw error("wrong number of args for " + fn + ": want 2 got " + a.size());
                    if (fn.equals("eq")) {
                        for (int i = 1; i < a.size(); i++) if (compare(a.get(0), a.get(i), true) == 0) return true;
                        return false;
                    }
                    if (a.size() != 2) throw error("wrong number of args for " + fn + ": want 2 got " + a.size());
                    int c = compare(a.get(0), a.get(1), fn.equals("ne"));
                    return switch (fn) {
                        case "ne" -> c != 0;
                        case "lt" -> c < 0;
                        case "le" -> c <= 0;
                        case "gt" -> c > 0;
                        default -> c >= 0;
                    };
                }
                case "print", "println" -> {
                    StringBuilder b = new StringBuilder();
                    for (int i = 0; i < a.size(); i++) {
                        // Sprint puts spaces between operands when neither is a string; Sprintln always
                        if (i > 0 && (fn.equals("println") || !(isString(a.get(i - 1)) || isString(a.get(i))))) b.append(' ');
                        b.append(print(a.get(i)));
                    }
                    if (fn.equals("println")) b.append('\n');
                    return b.toString();
                }
                default -> throw error("function \"" + fn + "\" not defined");
            }
        }

        private static boolean isString(Object v) { return v instanceof String || v instanceof JsonNumber; }

        private static void arity(String fn, List<Object> a, int n) {
            if (a.size() != n) throw error("wrong number of args for " + fn + ": want " + n + " got " + a.size());
        }

        /** Go's basic-kind comparison: strings (json.Number included) with strings, numbers with numbers, bools for equality. */
        private static int compare(Object x, Object y, boolean equalityOnly) {
            Object sx = x instanceof JsonNumber j ? j.text() : x, sy = y instanceof JsonNumber j ? j.text() : y;
            if (sx instanceof String s && sy instanceof String t) return Integer.signum(s.compareTo(t));
            if (x instanceof Literal l && y instanceof Literal m) return l.value().compareTo(m.value());
            if (equalityOnly && x instanceof Boolean b && y instanceof Boolean c) return b.equals(c) ? 0 : 1;
            if (equalityOnly && x == null && y == null) return 0;
            throw error("error calling comparison: incompatible types for comparison");
        }
    }
}
