package io.hoist.policy.rego.ast;

import java.util.List;

/** The Rego syntax tree. Operators are represented as calls to their builtin names (plus, equal, ...). */
public final class Ast {
    private Ast() {}

    public record Pos(String file, int line, int col) {
        @Override public String toString() { return file + ":" + line + ":" + col; }
    }

    public sealed interface Term permits Scalar, Var, Ref, ArrayTerm, ObjectTerm, SetTerm, ArrayCompr, SetCompr,
            ObjectCompr, Call {
        Pos pos();
    }

    /** null, Boolean, Double or String. */
    public record Scalar(Pos pos, Object value) implements Term {}

    public record Var(Pos pos, String name) implements Term {
        public boolean isWildcard() { return name.startsWith("_$"); }
    }

    public record Ref(Pos pos, Term head, List<Term> path) implements Term {}

    public record ArrayTerm(Pos pos, List<Term> items) implements Term {}

    public record ObjectTerm(Pos pos, List<Term> keys, List<Term> values) implements Term {}

    public record SetTerm(Pos pos, List<Term> items) implements Term {}

    public record ArrayCompr(Pos pos, Term head, List<Expr> body) implements Term {}

    public record SetCompr(Pos pos, Term head, List<Expr> body) implements Term {}

    public record ObjectCompr(Pos pos, Term key, Term value, List<Expr> body) implements Term {}

    /** A call of a builtin or user function; name is the dotted operator, e.g. "count" or "data.lib.f". */
    public record Call(Pos pos, String name, List<Term> args) implements Term {}

    public record With(Pos pos, Term target, Term value) {}

    public sealed interface ExprKind permits TermExpr, Unify, Assign, SomeDecl, SomeIn, Every, Not {}

    public record TermExpr(Term term) implements ExprKind {}

    public record Unify(Term left, Term right) implements ExprKind {}

    public record Assign(Term left, Term right) implements ExprKind {}

    public record SomeDecl(List<Var> vars) implements ExprKind {}

    /** some [key,] value in collection */
    public record SomeIn(Term key, Term value, Term collection) implements ExprKind {}

    public record Every(Var key, Var value, Term collection, List<Expr> body) implements ExprKind {}

    public record Not(Expr expr) implements ExprKind {}

    public record Expr(Pos pos, ExprKind kind, List<With> withs) {}

    public enum RuleKind { COMPLETE, PARTIAL_SET, PARTIAL_OBJECT, FUNCTION }

    /**
     * One rule definition. path is relative to the package. value is null for "true" rules; key is set for
     * partial rules; args for functions. elseRule chains the else branches. keyPrefix holds the head's terms
     * between path and key when a variable comes before the last position ({@code p[a][b] := v}, OPA's generic
     * ref heads): the value nests one object per term; it is empty otherwise. A multi-value generic head
     * ({@code p[q].r contains s}) has the object kind, a key prefix ending at the set's term, key s and no value.
     */
    public record Rule(Pos pos, List<String> path, RuleKind kind, boolean isDefault, List<Term> args, Term key,
                       Term value, List<Expr> body, Rule elseRule, List<Term> keyPrefix, HeadSyntax syntax) {
        public Rule(Pos pos, List<String> path, RuleKind kind, boolean isDefault, List<Term> args, Term key,
                    Term value, List<Expr> body, Rule elseRule) {
            this(pos, path, kind, isDefault, args, key, value, body, elseRule, List.of(), null);
        }

        /** The head names a set inside nested objects: the key is an element of the set at keyPrefix. */
        public boolean setLeaf() { return kind == RuleKind.PARTIAL_OBJECT && !keyPrefix.isEmpty() && value == null; }
    }

    /**
     * How a rule head was written, for tools that show the syntax (rego.parse_module) rather than evaluate it:
     * the head's reference as written ({@code a.b[x]}: var a, string "b", var x; arguments excluded), whether
     * a value was written and after {@code :=}, and whether {@code if} or {@code contains} followed. Else
     * branches carry the head's ref with their own flags; null for rules built by the compiler.
     */
    public record HeadSyntax(List<Term> ref, boolean valued, boolean assign, boolean hasIf, boolean contains) {}

    public record Import(Pos pos, Ref path, String alias) {}

    /** A comment: the text after its '#', and where the '#' stands. */
    public record Comment(Pos pos, String text) {}

    public record Module(String file, List<String> pkg, List<Import> imports, List<Rule> rules, List<Comment> comments) {
        public Module(String file, List<String> pkg, List<Import> imports, List<Rule> rules) {
            this(file, pkg, imports, rules, List.of());
        }
    }
}
