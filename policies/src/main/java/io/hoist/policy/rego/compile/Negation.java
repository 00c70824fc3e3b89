package io.hoist.policy.rego.compile;

import io.hoist.policy.rego.ast.Ast.*;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * OPA's reading of {@code not expr}. OPA's compiler binds the dynamic parts of an expression to fresh variables
 * before the expression (its RewriteExprTerms and RewriteDynamicTerms stages), and it does so for negated
 * expressions too, so those parts are evaluated <em>outside</em> the negation: {@code not f(input.x)} is
 * {@code __t = input.x; not f(__t)}, undefined when {@code input.x} is (OPA issue 1877). What moves out:
 * <ul>
 *   <li>every operand of a call (builtin, function, operator) that is a reference, a rule or document name,
 *       or a nested call; arrays, objects and sets are searched for such operands;</li>
 *   <li>for a plain term (a reference on its own, {@code not p}, {@code not input.x}): nested calls and references
 *       used as keys inside it, but not the reference itself;</li>
 *   <li>for {@code =} and {@code :=}: calls on either side and references inside collection terms.</li>
 * </ul>
 * Comprehensions stay where they are: they are always defined.
 */
final class Negation {
    /** Expressions to evaluate before the negation, and the negated expression rewritten to use them. */
    record Hoisted(List<Expr> before, Expr inner) {}

    private final Predicate<String> isLocal;
    private final Supplier<String> fresh;
    private final List<Expr> before = new ArrayList<>();

    private Negation(Predicate<String> isLocal, Supplier<String> fresh) {
        this.isLocal = isLocal;
        this.fresh = fresh;
    }

    /**
     * @param isLocal true for a variable of the body (bound or not); false for names that denote documents
     *                (input, data, rules of the package, imports)
     */
    static Hoisted rewrite(Expr inner, Predicate<String> isLocal, Supplier<String> fresh) {
        Negation n = new Negation(isLocal, fresh);
        ExprKind k = inner.kind();
        ExprKind out = k;
        if (k instanceof TermExpr t) {
            out = new TermExpr(t.term() instanceof Call c ? n.callOperands(c) : n.inTerm(t.term()));
        } else if (k instanceof Unify u) {
            out = new Unify(n.inTerm(u.left()), n.inTerm(u.right()));
        } else if (k instanceof Assign a) {
            out = new Assign(a.left(), n.inTerm(a.right()));
        }
        return new Hoisted(n.before, new Expr(inner.pos(), out, inner.withs()));
    }

    private Call callOperands(Call c) {
        List<Term> args = new ArrayList<>();
        for (Term a : c.args()) args.add(operand(a));
        return new Call(c.pos(), c.name(), args);
    }

    /** A top-level term of a negated expression: the term itself stays, its dynamic parts move out. */
    private Term inTerm(Term t) {
        if (t instanceof Ref r) return new Ref(r.pos(), r.head() instanceof Call c ? bind(callOperandsNested(c)) : r.head(), paths(r.path()));
        if (t instanceof Call c) return bind(callOperandsNested(c));
        if (t instanceof ArrayTerm || t instanceof ObjectTerm || t instanceof SetTerm) return operand(t);
        return t;
    }

    /** An operand: references and calls are bound before the negation; collections are searched. */
    private Term operand(Term t) {
        if (t instanceof Ref r) {
            Term head = r.head() instanceof Call c ? bind(callOperandsNested(c)) : r.head();
            return bind(new Ref(r.pos(), head, paths(r.path())));
        }
        if (t instanceof Var v) return v.isWildcard() || isLocal.test(v.name()) ? v : bind(v);
        if (t instanceof Call c) return bind(callOperandsNested(c));
        if (t instanceof ArrayTerm a) return new ArrayTerm(a.pos(), a.items().stream().map(this::operand).toList());
        if (t instanceof SetTerm s) return new SetTerm(s.pos(), s.items().stream().map(this::operand).toList());
        if (t instanceof ObjectTerm o) {
            return new ObjectTerm(o.pos(), o.keys().stream().map(this::operand).toList(), o.values().stream().map(this::operand).toList());
        }
        return t;
    }

    /** A nested call moves out whole; its own reference operands move out before it (same outcome in OPA). */
    private Call callOperandsNested(Call c) {
        return callOperands(c);
    }

    private List<Term> paths(List<Term> path) {
        List<Term> out = new ArrayList<>();
        for (Term p : path) out.add(p instanceof Ref || p instanceof Call ? operand(p) : p);
        return out;
    }

    private Var bind(Term value) {
        Var v = new Var(value.pos(), fresh.get());
        before.add(new Expr(value.pos(), new Assign(v, value), List.of()));
        return v;
    }
}
