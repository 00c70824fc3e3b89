package io.hoist.policy.rego.parse;

import io.hoist.policy.rego.ast.Ast.*;
import io.hoist.policy.rego.ast.Ast.Module;
import io.hoist.policy.rego.parse.Lexer.Kind;
import io.hoist.policy.rego.parse.Lexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent parser for Rego modules, accepting both v1 syntax (if, contains, :=) and pre-1.0 syntax
 * (p[x] { ... }). Wildcards '_' become distinct variables.
 */
public final class Parser {
    private static final Map<String, String> REL = Map.of("==", "equal", "!=", "neq", "<", "lt", ">", "gt",
            "<=", "lte", ">=", "gte");

    private final List<Token> toks;
    private int p;
    private int wildcard;
    /** An import of future.keywords: the module is pre-1.0 Rego, where {@code p[x] if { }} still defines a set. */
    private boolean futureKeywords;

    private Parser(List<Token> toks) { this.toks = toks; }

    public static Module parseModule(String file, String src) {
        List<Comment> comments = new ArrayList<>();
        Module m = new Parser(Lexer.tokenize(file, src, comments)).module(file);
        return new Module(m.file(), m.pkg(), m.imports(), m.rules(), List.copyOf(comments));
    }

    /** Parses a single term (e.g. an input document written in Rego syntax). */
    public static Term parseTerm(String file, String src) {
        Parser ps = new Parser(Lexer.tokenize(file, src));
        Term t = ps.term();
        if (ps.peek().kind() != Kind.EOF) throw ps.error("unexpected " + ps.peek().text());
        return t;
    }

    /** Parses a query: expressions separated by ';' or new lines. */
    public static List<Expr> parseQuery(String file, String src) {
        Parser ps = new Parser(Lexer.tokenize(file, src));
        List<Expr> body = new ArrayList<>();
        while (ps.peek().kind() != Kind.EOF) {
            body.add(ps.expr());
            if (ps.peek().is(";")) ps.next();
        }
        return body;
    }

    // ------------------------------------------------------------------ token helpers
    private Token peek() { return toks.get(p); }
    private Token peek(int k) { return toks.get(Math.min(p + k, toks.size() - 1)); }
    private Token next() { return toks.get(p++); }
    private boolean at(String s) { return peek().is(s); }
    private boolean accept(String s) { if (at(s)) { p++; return true; } return false; }

    private Token expect(String s) {
        if (!at(s)) throw error("expected '" + s + "' but found '" + peek().text() + "'");
        return next();
    }

    private RegoSyntaxException error(String msg) { return new RegoSyntaxException(peek().pos(), msg); }

    private String ident() {
        if (peek().kind() != Kind.IDENT) throw error("expected a name but found '" + peek().text() + "'");
        return next().text();
    }

    // ------------------------------------------------------------------ module
    private Module module(String file) {
        expect("package");
        List<String> pkg = new ArrayList<>();
        pkg.add(ident());
        while (true) {
            if (accept(".")) pkg.add(ident());
            else if (at("[") && !peek().newlineBefore()) {
                next();
                Token t = next();
                if (t.kind() != Kind.STRING) throw new RegoSyntaxException(t.pos(), "package path must be strings");
                pkg.add(t.text());
                expect("]");
            } else break;
        }
        List<Import> imports = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        while (peek().kind() != Kind.EOF) {
            if (at("import")) {
                Pos pos = next().pos();
                Term t = term();
                Ref r;
                if (t instanceof Ref ref) r = ref;
                else if (t instanceof Var v) r = new Ref(v.pos(), v, List.of());
                else throw new RegoSyntaxException(pos, "import path must be a reference");
                String alias = null;
                if (accept("as")) alias = ident();
                if (r.head() instanceof Var v && v.name().equals("future")) futureKeywords = true;
                imports.add(new Import(pos, r, alias));
            } else {
                rules.addAll(rule());
            }
        }
        return new Module(file, pkg, imports, rules);
    }

    private List<Rule> rule() {
        Pos pos = peek().pos();
        boolean isDefault = accept("default");
        List<String> path = new ArrayList<>();
        Pos namePos = peek().pos();
        path.add(ident());
        List<Term> headRef = new ArrayList<>(List.of(new Var(namePos, path.get(0))));
        List<Term> args = null;
        Term key = null;
        boolean contains = false;
        if (at("(") && !peek().newlineBefore()) {
            next();
            args = termList(")");
        }
        List<Term> keyPrefix = new ArrayList<>();
        while (args == null && !peek().newlineBefore() && (at(".") || at("["))) {
            Term k;
            if (at(".") && key == null) {
                next();
                Pos partPos = peek().pos();
                path.add(ident());
                headRef.add(new Scalar(partPos, path.getLast()));
                continue;
            } else if (accept(".")) {
                Token t = peek();
                k = new Scalar(t.pos(), ident());
            } else {
                next();
                k = term();
                expect("]");
            }
            headRef.add(k);
            if (key == null && k instanceof Scalar s && s.value() instanceof String str && (at(".") || at("[") || at("("))) {
                path.add(str);
            } else {
                // a term after the key: the key was not the last one (generic ref head, p[a][b] := v)
                if (key != null) keyPrefix.add(key);
                key = k;
            }
        }
        // a function with a dotted (ref) head: p.q.r.f(x), also after 'default'
        if (args == null && key == null && at("(") && !peek().newlineBefore()) {
            next();
            args = termList(")");
        }
        if (at("contains") && keyPrefix.isEmpty() && key instanceof Scalar s && s.value() instanceof String str) {
            path.add(str); // p["x"] contains r: the set p.x
            key = null;
        }
        boolean setLeaf = false;
        if (at("contains") && key != null) {
            // p[q].r contains s: an object per head term, the last one holding a set (OPA's generic multi-value head)
            keyPrefix.add(key);
            setLeaf = true;
        }
        if (accept("contains")) { key = term(); contains = true; }
        Term value = null;
        boolean assign = at(":=");
        if (at("=") || at(":=")) {
            next();
            value = term();
        }
        List<Expr> body = null;
        boolean ifKeyword = false;
        if (accept("if")) {
            ifKeyword = true;
            body = ifBody();
        } else if (at("{") ) {
            body = block();
        }
        HeadSyntax syntax = new HeadSyntax(List.copyOf(headRef), value != null, assign && value != null, ifKeyword, contains);
        if (isDefault) {
            if (value == null) throw new RegoSyntaxException(pos, "default rule " + String.join(".", path) + " needs a value");
            return List.of(new Rule(pos, path, args != null ? RuleKind.FUNCTION : RuleKind.COMPLETE, true, args,
                    null, value, List.of(), null, List.of(), syntax));
        }
        // Rego v1: without 'contains', p[x] if { ... } is the single-value rule p[x] := true (an object), while
        // pre-1.0 p[x] { ... } (and p[x] if with the future.keywords imports) defines a set
        if (key != null && value == null && !contains && ifKeyword && !futureKeywords) value = new Scalar(pos, Boolean.TRUE);
        RuleKind kind;
        if (args != null) kind = RuleKind.FUNCTION;
        else if (setLeaf) kind = RuleKind.PARTIAL_OBJECT;
        else if (key != null) kind = (value == null || contains) ? RuleKind.PARTIAL_SET : RuleKind.PARTIAL_OBJECT;
        else kind = RuleKind.COMPLETE;
        if (body == null) {
            if (value == null && key == null && args == null)
                throw new RegoSyntaxException(pos, "rule " + String.join(".", path) + " has neither a body nor a value");
            body = List.of();
        }
        Rule elseChain = elseChain(kind, syntax);
        List<Rule> out = new ArrayList<>();
        if (!keyPrefix.isEmpty() && kind != RuleKind.PARTIAL_OBJECT) {
            throw new RegoSyntaxException(pos, "rule " + String.join(".", path) + ": a head with a variable before its last term needs a value (:=)");
        }
        out.add(new Rule(pos, path, kind, false, args, key, value, body, elseChain, List.copyOf(keyPrefix), syntax));
        // pre-1.0 chained bodies: p { a } { b } defines p twice
        while (at("{") && !isDefault) {
            out.add(new Rule(peek().pos(), path, kind, false, args, key, value, block(), null, List.copyOf(keyPrefix), syntax));
        }
        return out;
    }

    /** The else branches after a rule; an else without a value keeps the head's assign flag, as OPA copies the head. */
    private Rule elseChain(RuleKind kind, HeadSyntax head) {
        if (!at("else")) return null;
        Pos pos = next().pos();
        Term value = null;
        boolean assign = head.assign();
        if (at("=") || at(":=")) { assign = at(":="); next(); value = term(); }
        boolean hasIf = false;
        List<Expr> body;
        if (accept("if")) { hasIf = true; body = ifBody(); }
        else if (at("{")) body = block();
        else body = List.of();
        HeadSyntax syntax = new HeadSyntax(head.ref(), value != null, assign, hasIf, false);
        return new Rule(pos, List.of(), kind, false, null, null, value, body, elseChain(kind, head), List.of(), syntax);
    }

    /**
     * The body after {@code if}: a block, or one expression. A brace that does not open a valid block starts a
     * single expression, as in OPA ({@code f(x) := y if {k: v | ...}} is an object comprehension).
     */
    private List<Expr> ifBody() {
        if (!at("{")) return List.of(expr());
        int start = p;
        try {
            return block();
        } catch (RegoSyntaxException blockError) {
            p = start;
            try {
                return List.of(expr());
            } catch (RegoSyntaxException exprError) {
                throw blockError; // neither: the block's error says more
            }
        }
    }

    private List<Expr> block() {
        expect("{");
        List<Expr> body = new ArrayList<>();
        while (!at("}")) {
            body.add(expr());
            if (accept(";")) continue;
            if (!at("}") && !peek().newlineBefore()) throw error("expected end of expression but found '" + peek().text() + "'");
        }
        expect("}");
        return body;
    }

    // ------------------------------------------------------------------ expressions
    private Expr expr() {
        Pos pos = peek().pos();
        ExprKind kind;
        if (at("not")) {
            next();
            Expr inner = expr();
            return new Expr(pos, new Not(new Expr(inner.pos(), inner.kind(), List.of())), inner.withs());
        } else if (at("some")) {
            next();
            List<Term> terms = new ArrayList<>();
            terms.add(relTerm());
            while (accept(",")) terms.add(relTerm());
            if (accept("in")) {
                Term coll = orTerm();
                if (terms.size() == 1) kind = new SomeIn(null, terms.get(0), coll);
                else kind = new SomeIn(terms.get(0), terms.get(1), coll);
            } else {
                List<Var> vars = new ArrayList<>();
                for (Term t : terms) {
                    if (!(t instanceof Var v)) throw new RegoSyntaxException(t.pos(), "some declares variables only");
                    vars.add(v);
                }
                kind = new SomeDecl(vars);
            }
        } else if (at("every")) {
            next();
            Var a = (Var) primary(false), b = null;
            if (accept(",")) b = (Var) primary(false);
            expect("in");
            Term coll = orTerm();
            List<Expr> body = block();
            kind = b == null ? new Every(null, a, coll, body) : new Every(a, b, coll, body);
        } else {
            Term left = member3(term());
            if (at("=") && !peek().newlineBefore()) { next(); kind = new Unify(left, member3(term())); }
            else if (at(":=") && !peek().newlineBefore()) { next(); kind = new Assign(left, member3(term())); }
            else kind = new TermExpr(left);
        }
        List<With> withs = new ArrayList<>();
        while (at("with")) {
            Pos wp = next().pos();
            Term target = primary(false);
            expect("as");
            withs.add(new With(wp, target, term()));
        }
        return new Expr(pos, kind, withs);
    }

    /** "k, v in xs" (membership with key) where an expression or parenthesised term may hold it. */
    private Term member3(Term left) {
        if (!at(",") || peek().newlineBefore()) return left;
        next();
        Term value = andTerm();
        Pos ip = expect("in").pos();
        Term t = new Call(ip, "internal.member_3", List.of(left, value, orTerm()));
        while (at("in") && !peek().newlineBefore()) {
            Pos pos = next().pos();
            t = new Call(pos, "internal.member_2", List.of(t, orTerm()));
        }
        return t;
    }

    // ------------------------------------------------------------------ terms
    public Term term() { return inTerm(false); }

    /** Comma-separated terms up to and including close; OPA allows a trailing comma after the last one. */
    private List<Term> termList(String close) {
        List<Term> items = new ArrayList<>();
        while (!at(close)) {
            items.add(term());
            if (!accept(",")) break;
        }
        expect(close);
        return items;
    }

    private Term inTerm(boolean noOr) {
        Term t = noOr ? andTerm() : orTerm();
        // 'in' starting a line is a variable in pre-1.0 modules without the future import, not an operator
        while (at("in") && !peek().newlineBefore()) {
            Pos pos = next().pos();
            Term coll = noOr ? andTerm() : orTerm();
            t = new Call(pos, "internal.member_2", List.of(t, coll));
        }
        // "k, v in xs" only appears after some/every, handled there.
        return t;
    }

    private Term orTerm() {
        Term t = andTerm();
        while (at("|")) {
            Pos pos = next().pos();
            t = new Call(pos, "or", List.of(t, andTerm()));
        }
        return t;
    }

    private Term andTerm() {
        Term t = relTerm();
        while (at("&")) {
            Pos pos = next().pos();
            t = new Call(pos, "and", List.of(t, relTerm()));
        }
        return t;
    }

    private Term relTerm() {
        Term t = arith();
        while (peek().kind() == Kind.PUNCT && REL.containsKey(peek().text())) {
            Token op = next();
            t = new Call(op.pos(), REL.get(op.text()), List.of(t, arith()));
        }
        return t;
    }

    private Term arith() {
        Term t = factor();
        while (at("+") || at("-")) {
            Token op = next();
            t = new Call(op.pos(), op.text().equals("+") ? "plus" : "minus", List.of(t, factor()));
        }
        return t;
    }

    private Term factor() {
        Term t = unary();
        while (at("*") || at("/") || at("%")) {
            Token op = next();
            String name = switch (op.text()) { case "*" -> "mul"; case "/" -> "div"; default -> "rem"; };
            t = new Call(op.pos(), name, List.of(t, unary()));
        }
        return t;
    }

    private Term unary() {
        if (at("-")) {
            Pos pos = next().pos();
            if (peek().kind() == Kind.NUMBER) {
                Token n = next();
                Object v = n.value() instanceof java.math.BigDecimal b ? b.negate() : (Object) (-(Double) n.value());
                return postfix(new Scalar(pos, v));
            }
            return new Call(pos, "minus", List.of(new Scalar(pos, 0.0), unary()));
        }
        return primary(true);
    }

    private Term primary(boolean allowPostfix) {
        Token t = peek();
        Term base;
        switch (t.kind()) {
            case NUMBER -> { next(); base = new Scalar(t.pos(), t.value()); }
            case STRING -> { next(); base = new Scalar(t.pos(), t.value()); }
            case IDENT -> {
                next();
                switch (t.text()) {
                    case "null" -> base = new Scalar(t.pos(), null);
                    case "true" -> base = new Scalar(t.pos(), Boolean.TRUE);
                    case "false" -> base = new Scalar(t.pos(), Boolean.FALSE);
                    case "_" -> base = new Var(t.pos(), "_$" + (wildcard++));
                    case "set" -> {
                        if (at("(") && peek(1).is(")")) { next(); next(); base = new SetTerm(t.pos(), List.of()); }
                        else base = new Var(t.pos(), t.text());
                    }
                    default -> base = new Var(t.pos(), t.text());
                }
            }
            case PUNCT -> {
                if (t.is("(")) {
                    next();
                    base = member3(term());
                    expect(")");
                } else if (t.is("[")) {
                    base = arrayOrCompr();
                } else if (t.is("{")) {
                    base = objectOrSet();
                } else throw error("unexpected '" + t.text() + "'");
            }
            default -> throw error("unexpected " + t.text());
        }
        return allowPostfix ? postfix(base) : refOnly(base);
    }

    /** Dotted references without calls (with targets, every variables). */
    private Term refOnly(Term base) {
        List<Term> path = new ArrayList<>();
        while (!peek().newlineBefore() && (at(".") || at("["))) {
            if (accept(".")) {
                Token n = next();
                path.add(new Scalar(n.pos(), n.text()));
            } else {
                next();
                path.add(term());
                expect("]");
            }
        }
        return path.isEmpty() ? base : new Ref(base.pos(), base, path);
    }

    private Term postfix(Term base) {
        List<Term> path = new ArrayList<>();
        while (!peek().newlineBefore()) {
            if (at(".") && peek(1).kind() == Kind.IDENT) {
                next();
                Token n = next();
                path.add(new Scalar(n.pos(), n.text()));
            } else if (at("[")) {
                next();
                path.add(term());
                expect("]");
            } else if (at("(") && (base instanceof Var) && path.stream().allMatch(x -> x instanceof Scalar s && s.value() instanceof String)) {
                StringBuilder name = new StringBuilder(((Var) base).name());
                for (Term x : path) name.append('.').append(((Scalar) x).value());
                next();
                List<Term> args = termList(")");
                base = new Call(base.pos(), name.toString(), args);
                path = new ArrayList<>();
            } else break;
        }
        return path.isEmpty() ? base : new Ref(base.pos(), base, path);
    }

    private Term arrayOrCompr() {
        Pos pos = expect("[").pos();
        if (accept("]")) return new ArrayTerm(pos, List.of());
        Term first = inTerm(true);
        if (accept("|")) {
            List<Expr> body = comprBody("]");
            return new ArrayCompr(pos, first, body);
        }
        List<Term> items = new ArrayList<>();
        items.add(first);
        while (accept(",")) {
            if (at("]")) break;
            items.add(term());
        }
        expect("]");
        return new ArrayTerm(pos, items);
    }

    private Term objectOrSet() {
        Pos pos = expect("{").pos();
        if (accept("}")) return new ObjectTerm(pos, List.of(), List.of());
        Term first = inTerm(true);
        if (accept(":")) {
            Term v = inTerm(true);
            if (accept("|")) return new ObjectCompr(pos, first, v, comprBody("}"));
            List<Term> keys = new ArrayList<>(), vals = new ArrayList<>();
            keys.add(first);
            vals.add(v);
            while (accept(",")) {
                if (at("}")) break;
                keys.add(term());
                expect(":");
                vals.add(term());
            }
            expect("}");
            return new ObjectTerm(pos, keys, vals);
        }
        if (accept("|")) return new SetCompr(pos, first, comprBody("}"));
        List<Term> items = new ArrayList<>();
        items.add(first);
        while (accept(",")) {
            if (at("}")) break;
            items.add(term());
        }
        expect("}");
        return new SetTerm(pos, items);
    }

    private List<Expr> comprBody(String close) {
        List<Expr> body = new ArrayList<>();
        while (!at(close)) {
            body.add(expr());
            if (accept(";")) continue;
            if (!at(close) && !peek().newlineBefore()) throw error("expected end of expression but found '" + peek().text() + "'");
        }
        expect(close);
        return body;
    }
}
