package io.hoist.core.model.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Go {@code text/template} compatible engine for MTV's name templates ({@code pvcNameTemplate},
 * {@code volumeNameTemplate}, {@code networkNameTemplate}). Parse once, render many times; thread-safe.
 *
 * <p>Supported: text and actions with {@code {{- -}}} trimming and comments; fields {@code .Name},
 * {@code .A.B}, {@code .}, {@code $}, variables {@code $x := ...}; literals; pipelines with {@code |};
 * parenthesized pipelines; {@code if / else if / else / end}, {@code with}, {@code range}; the functions in
 * {@link Functions} (Go builtins and MTV's Sprig selection). Data is a {@code Map<String, ?>} of Strings,
 * numbers, booleans, lists and maps. As with the Go structs MTV renders, a field that is not in the data
 * is an error at render time, so a typo is reported instead of producing a wrong name.
 *
 * <p>A render runs under a budget, because a template is user input evaluated by the platform's own threads:
 * at most {@link #MAX_TEXT} characters of output and of any value a function makes, {@link #MAX_STEPS}
 * evaluation steps (actions, commands, range iterations) and {@link #MAX_RENDER_TIME}. Regular expressions run
 * on RE2/J (linear time, Go's own syntax). A render over budget fails with a {@link TemplateException} naming
 * the limit; no limit is anywhere near what a name (at most 253 characters) needs.
 */
public final class GoTemplate {
    /** Characters of rendered output, and of any one value a function returns. */
    public static final int MAX_TEXT = 4096;
    /** Actions, commands and range iterations of one render. */
    public static final int MAX_STEPS = 10_000;
    /** Wall-clock time of one render. */
    public static final java.time.Duration MAX_RENDER_TIME = java.time.Duration.ofSeconds(1);

    private final String name;
    private final String source;
    private final List<Node> root;

    private GoTemplate(String name, String source, List<Node> root) {
        this.name = name;
        this.source = source;
        this.root = root;
    }

    /** Parses {@code text}; throws {@link TemplateException} ("template: name:line: problem") when it does not parse. */
    public static GoTemplate parse(String name, String text) {
        Objects.requireNonNull(text, "template text");
        return new GoTemplate(name, text, Parser.parse(name, text));
    }

    public static GoTemplate parse(String text) {
        return parse("template", text);
    }

    public String name() {
        return name;
    }

    public String source() {
        return source;
    }

    /** Renders with {@code data} as dot; throws {@link TemplateException} naming the line and the problem. */
    public String render(Map<String, ?> data) {
        StringBuilder out = new StringBuilder();
        Scope scope = new Scope(null, new Budget());
        scope.declare("$", data);
        renderList(root, data, scope, out);
        return out.toString();
    }

    /** The top-level field names the template reads from dot ({@code .VmName} gives VmName), in order. */
    public Set<String> fieldNames() {
        Set<String> names = new LinkedHashSet<>();
        collectFields(root, names);
        return names;
    }

    @Override
    public String toString() {
        return source;
    }

    /** What one render may still spend; see the class comment. */
    private final class Budget {
        private final long deadline = System.nanoTime() + MAX_RENDER_TIME.toNanos();
        private int steps;

        void step(int line) {
            if (++steps > MAX_STEPS) {
                throw error(line, "executing \"" + name + "\": more than " + MAX_STEPS
                        + " evaluation steps (the template render limit)");
            }
            if (System.nanoTime() - deadline > 0) {
                throw error(line, "executing \"" + name + "\": rendering took more than "
                        + MAX_RENDER_TIME.toMillis() + " ms (the template render limit)");
            }
        }

        void checkOutput(StringBuilder out, int line) {
            if (out.length() > MAX_TEXT) {
                throw error(line, "executing \"" + name + "\": output longer than " + MAX_TEXT
                        + " characters (the template render limit)");
            }
        }
    }

    private static final class Scope {
        private final Scope parent;
        private final Budget budget;
        private final Map<String, Object> vars = new TreeMap<>();

        Scope(Scope parent) {
            this(parent, parent.budget);
        }

        Scope(Scope parent, Budget budget) {
            this.parent = parent;
            this.budget = budget;
        }

        void declare(String name, Object value) {
            vars.put(name, value);
        }

        boolean assign(String name, Object value) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.vars.containsKey(name)) {
                    s.vars.put(name, value);
                    return true;
                }
            }
            return false;
        }

        Object get(String name, int line, GoTemplate t) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.vars.containsKey(name)) {
                    return s.vars.get(name);
                }
            }
            throw t.error(line, "undefined variable: " + name);
        }
    }

    private TemplateException error(int line, String message) {
        // messages quote values the template made: keep them short enough for a condition or a log line
        return new TemplateException(io.hoist.core.model.Echo.abbreviate(
                "template: " + name + ":" + line + ": " + message, 512));
    }

    private void renderList(List<Node> nodes, Object dot, Scope scope, StringBuilder out) {
        for (Node n : nodes) {
            if (n instanceof Node.Text t) {
                scope.budget.step(0);
                out.append(t.text());
                scope.budget.checkOutput(out, 0);
            } else if (n instanceof Node.Action a) {
                scope.budget.step(a.line());
                Object v = evalPipeline(a.pipeline(), dot, scope);
                if (a.pipeline().variables().isEmpty()) {
                    out.append(v == null ? "<no value>" : Values.print(v));
                    scope.budget.checkOutput(out, a.line());
                }
            } else if (n instanceof Node.Branch b) {
                scope.budget.step(b.line());
                renderBranch(b, dot, scope, out);
            }
        }
    }

    private void renderBranch(Node.Branch b, Object dot, Scope outer, StringBuilder out) {
        Scope scope = new Scope(outer);
        switch (b.keyword()) {
            case "if" -> {
                Object v = evalPipeline(b.pipeline(), dot, scope);
                renderList(Values.truth(v) ? b.list() : b.elseList(), dot, scope, out);
            }
            case "with" -> {
                Object v = evalPipeline(b.pipeline(), dot, scope);
                if (Values.truth(v)) {
                    renderList(b.list(), v, scope, out);
                } else {
                    renderList(b.elseList(), dot, scope, out);
                }
            }
            default -> { // range
                Node.Pipeline p = b.pipeline();
                Node.Pipeline valueOnly = new Node.Pipeline(p.line(), List.of(), false, p.commands());
                Object v = Values.normalize(evalPipeline(valueOnly, dot, scope));
                // lazily, so "range 30000000" spends its step budget instead of allocating every item first
                java.util.Iterator<Object[]> items;
                if (v instanceof List<?> list) {
                    items = java.util.stream.IntStream.range(0, list.size())
                            .mapToObj(i -> new Object[] {(long) i, list.get(i)}).iterator();
                } else if (v instanceof Map<?, ?> map) {
                    items = new TreeMap<>(map).entrySet().stream()
                            .map(e -> new Object[] {e.getKey(), e.getValue()}).iterator();
                } else if (v instanceof Long n) {
                    items = java.util.stream.LongStream.range(0, Math.max(0, n))
                            .mapToObj(i -> new Object[] {i, i}).iterator();
                } else if (v != null) {
                    throw error(b.line(), "range can't iterate over " + Values.print(v));
                } else {
                    items = java.util.Collections.emptyIterator();
                }
                if (!items.hasNext()) {
                    renderList(b.elseList(), dot, scope, out);
                    return;
                }
                while (items.hasNext()) {
                    Object[] item = items.next();
                    scope.budget.step(b.line());
                    Scope iteration = new Scope(scope);
                    if (p.variables().size() == 1) {
                        iteration.declare(p.variables().get(0), item[1]);
                    } else if (p.variables().size() == 2) {
                        iteration.declare(p.variables().get(0), item[0]);
                        iteration.declare(p.variables().get(1), item[1]);
                    }
                    renderList(b.list(), item[1], iteration, out);
                }
            }
        }
    }

    private Object evalPipeline(Node.Pipeline p, Object dot, Scope scope) {
        Object value = null;
        boolean first = true;
        for (Node.Command c : p.commands()) {
            value = evalCommand(c, dot, scope, p.line(), first ? NO_PIPE : value);
            first = false;
        }
        for (String var : p.variables()) {
            if (p.declare()) {
                scope.declare(var, value);
            } else if (!scope.assign(var, value)) {
                throw error(p.line(), "undefined variable: " + var);
            }
        }
        return value;
    }

    private static final Object NO_PIPE = new Object();

    private Object evalCommand(Node.Command c, Object dot, Scope scope, int line, Object piped) {
        Node.Operand head = c.operands().get(0);
        if (head instanceof Node.Identifier fn) {
            String fname = fn.name();
            List<Node.Operand> argNodes = c.operands().subList(1, c.operands().size());
            if (fname.equals("and") || fname.equals("or")) {
                return andOr(fname, argNodes, dot, scope, line, piped);
            }
            List<Object> args = new ArrayList<>();
            for (Node.Operand a : argNodes) {
                args.add(evalOperand(a, dot, scope, line));
            }
            if (piped != NO_PIPE) {
                args.add(piped);
            }
            scope.budget.step(line);
            Object result;
            try {
                result = Functions.call(fname, args);
            } catch (IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException e) {
                throw error(line, "executing \"" + name + "\" at <" + fname + ">: " + e.getMessage());
            }
            if (result instanceof String s && s.length() > MAX_TEXT) {
                throw error(line, "executing \"" + name + "\" at <" + fname + ">: result of " + s.length()
                        + " characters is longer than " + MAX_TEXT + " (the template render limit)");
            }
            return result;
        }
        if (c.operands().size() > 1 || piped != NO_PIPE) {
            throw error(line, "can't give argument to non-function " + describe(head));
        }
        return evalOperand(head, dot, scope, line);
    }

    private Object andOr(String fname, List<Node.Operand> argNodes, Object dot, Scope scope, int line, Object piped) {
        int count = argNodes.size() + (piped != NO_PIPE ? 1 : 0);
        if (count < 1) {
            throw error(line, "wrong number of args for " + fname + ": want at least 1 got 0");
        }
        Object v = null;
        for (int i = 0; i < count; i++) {
            v = i < argNodes.size() ? evalOperand(argNodes.get(i), dot, scope, line) : piped;
            boolean t = Values.truth(v);
            if (fname.equals("and") ? !t : t) {
                return v;
            }
        }
        return v;
    }

    private Object evalOperand(Node.Operand o, Object dot, Scope scope, int line) {
        if (o instanceof Node.Literal l) {
            return l.value();
        }
        if (o instanceof Node.Dot) {
            return dot;
        }
        if (o instanceof Node.Field f) {
            return fields(dot, f.path(), line);
        }
        if (o instanceof Node.Variable v) {
            return fields(scope.get(v.name(), line, this), v.path(), line);
        }
        if (o instanceof Node.Sub s) {
            return fields(evalPipeline(s.pipeline(), dot, scope), s.path(), line);
        }
        if (o instanceof Node.Identifier fn) {
            // a function named as an argument with no args: call it, as Go does for niladic functions
            return evalCommand(new Node.Command(List.of(fn)), dot, scope, line, NO_PIPE);
        }
        throw error(line, "unexpected operand");
    }

    private Object fields(Object receiver, List<String> path, int line) {
        Object cur = receiver;
        for (String field : path) {
            if (cur instanceof Map<?, ?> map) {
                if (!map.containsKey(field)) {
                    throw error(line, "executing \"" + name + "\": can't evaluate field " + field
                            + " (known: " + String.join(", ", keys(map)) + ")");
                }
                cur = map.get(field);
            } else if (cur == null) {
                throw error(line, "executing \"" + name + "\": nil pointer evaluating ." + field);
            } else {
                throw error(line, "executing \"" + name + "\": can't evaluate field " + field + " in type "
                        + Values.kind(cur));
            }
        }
        return cur;
    }

    private static List<String> keys(Map<?, ?> map) {
        List<String> keys = new ArrayList<>();
        for (Object k : map.keySet()) {
            keys.add(String.valueOf(k));
        }
        keys.sort(null);
        return keys;
    }

    private static String describe(Node.Operand o) {
        if (o instanceof Node.Field f) {
            return "." + String.join(".", f.path());
        }
        if (o instanceof Node.Variable v) {
            return v.name();
        }
        if (o instanceof Node.Literal l) {
            return Values.print(l.value());
        }
        return o.getClass().getSimpleName().toLowerCase();
    }

    private static void collectFields(Collection<Node> nodes, Set<String> out) {
        for (Node n : nodes) {
            if (n instanceof Node.Action a) {
                collectFields(a.pipeline(), out);
            } else if (n instanceof Node.Branch b) {
                collectFields(b.pipeline(), out);
                collectFields(b.list(), out);
                collectFields(b.elseList(), out);
            }
        }
    }

    private static void collectFields(Node.Pipeline p, Set<String> out) {
        for (Node.Command c : p.commands()) {
            for (Node.Operand o : c.operands()) {
                if (o instanceof Node.Field f) {
                    out.add(f.path().get(0));
                } else if (o instanceof Node.Sub s) {
                    collectFields(s.pipeline(), out);
                }
            }
        }
    }
}
