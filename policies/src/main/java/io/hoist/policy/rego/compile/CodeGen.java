package io.hoist.policy.rego.compile;

import static io.hoist.policy.wasm.Code.*;

import io.hoist.policy.builtins.Builtins;
import io.hoist.policy.rego.ast.Ast.*;
import io.hoist.policy.rego.ast.Ast.Module;
import io.hoist.policy.rego.compile.RuleTree.Group;
import io.hoist.policy.rego.compile.RuleTree.Node;
import io.hoist.policy.rego.parse.RegoSyntaxException;
import io.hoist.policy.runtime.Layout;
import io.hoist.policy.runtime.Runtime;
import io.hoist.policy.runtime.Values;
import io.hoist.policy.wasm.Code;
import io.hoist.policy.wasm.Code.Label;
import io.hoist.policy.wasm.WasmModule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Translates rules to Wasm. Bodies are compiled in continuation-passing style: each expression emits its checks
 * and loops and then calls the continuation to emit the rest of the body inside them. A failed check branches
 * to the innermost "fail" label, which is the end of the body or the next iteration of the innermost loop.
 */
final class CodeGen {
    private final WasmModule m;
    private final Runtime rt;
    private final StaticArea statics;
    private final RuleTree tree;
    private final int gInput, gData;
    private final int[] builtinImports;
    final Map<String, Integer> usedBuiltins = new LinkedHashMap<>();
    private final List<Group> cached = new ArrayList<>();
    private int memberFn = -1, copyObjFn = -1, setUnionFn = -1, mergeFn = -1;
    private int hoisted;

    /** Per-function compilation state. */
    private final class Fn {
        final Code c;
        final Module module;
        final Map<String, Ref> aliases = new HashMap<>();
        Map<String, Integer> scope = new HashMap<>();
        Set<String> declared = new HashSet<>();
        Label fail;

        Fn(Code c, Module module) {
            this.c = c;
            this.module = module;
            if (module != null) {
                for (Import im : module.imports()) {
                    Term h = im.path().head();
                    if (!(h instanceof Var v) || !(v.name().equals("data") || v.name().equals("input"))) continue;
                    String alias = im.alias();
                    if (alias == null) {
                        List<Term> p = im.path().path();
                        alias = p.isEmpty() ? v.name() : String.valueOf(((Scalar) p.get(p.size() - 1)).value());
                    }
                    aliases.put(alias, im.path());
                }
            }
        }
    }

    CodeGen(WasmModule m, Runtime rt, StaticArea statics, RuleTree tree, int gInput, int gData, int[] builtinImports) {
        this.m = m;
        this.rt = rt;
        this.statics = statics;
        this.tree = tree;
        this.gInput = gInput;
        this.gData = gData;
        this.builtinImports = builtinImports;
    }

    void declareGroups() {
        for (Group g : tree.groups) {
            byte[] params = new byte[g.arity()];
            java.util.Arrays.fill(params, I32);
            g.fn = m.declare(g.name(), params, new byte[] {I32});
            if (g.kind != RuleKind.FUNCTION) {
                g.cacheGlobal = m.global(I32, true, 0);
                g.overrideGlobal = m.global(I32, true, 0);
                cached.add(g);
            }
        }
        memberFn = m.declare("rt_member", new byte[] {I32, I32}, new byte[] {I32});
        copyObjFn = m.declare("rt_obj_copy", new byte[] {I32}, new byte[] {I32});
        defineMember();
        defineCopyObj();
        setUnionFn = m.declare("rt_set_union", new byte[] {I32, I32}, new byte[] {I32});
        defineSetUnion();
        mergeFn = m.declare("rt_merge", new byte[] {I32, I32, I32, I32}, new byte[] {I32});
        defineMerge();
    }

    /** Levels of objects a rule group's heads build below their first key (p[q].r := v: 1; p[q] contains r: 0). */
    private static int headDepth(Group g) {
        return g.rules.stream().mapToInt(r -> r.keyPrefix().size() - (r.setLeaf() ? 1 : 0)).min().orElse(0);
    }

    void defineGroups() {
        for (Group g : tree.groups) defineGroup(g);
    }

    /** Emits code clearing every rule cache (evaluation start and around 'with'). */
    void clearCaches(Code c) {
        for (Group g : cached) c.i32(0).gset(g.cacheGlobal);
    }

    void clearOverrides(Code c) {
        for (Group g : cached) c.i32(0).gset(g.overrideGlobal);
    }

    /** Function returning the value of data.path (0 when undefined). */
    int entrypointFunction(String name, List<String> path) {
        int fn = m.declare("entrypoint:" + name, new byte[0], new byte[] {I32});
        Code c = new Code();
        Fn f = new Fn(c, null);
        int res = c.i32Local();
        Label done = c.block();
        f.fail = done;
        List<Term> terms = new ArrayList<>();
        Pos pos = new Pos("<entrypoint>", 1, 1);
        for (String s : path) terms.add(new Scalar(pos, s));
        dataWalk(f, pos, terms, v -> c.get(v).set(res));
        c.end();
        c.get(res);
        m.define(fn, c);
        return fn;
    }

    // ================================================================== rule groups
    private void defineGroup(Group g) {
        int arity = g.arity();
        byte[] params = new byte[arity];
        java.util.Arrays.fill(params, I32);
        Code c = new Code(params);
        int result = c.i32Local();
        if (g.kind != RuleKind.FUNCTION) {
            c.gget(g.overrideGlobal).ifThen().gget(g.overrideGlobal).ret().end();
            c.gget(g.cacheGlobal).ifThen();
            c.gget(g.cacheGlobal).i32(1).op(I32_EQ).ifResult(I32).i32(0).elseBranch().gget(g.cacheGlobal).end().ret();
            c.end();
        }
        burn(c);
        if (g.kind == RuleKind.PARTIAL_SET) c.i32(4).call(rt.mkSet).set(result);
        if (g.kind == RuleKind.PARTIAL_OBJECT) c.i32(4).call(rt.mkObj).set(result);
        for (int ri = 0; ri < g.rules.size(); ri++) {
            boolean firstWins = g.kind == RuleKind.FUNCTION && FUNCTIONS_FIRST_WINS;
            if (firstWins) c.get(result).op(I32_EQZ).ifThen();
            for (int a = 0; a < arity; a++) c.get(a);
            if (g.kind == RuleKind.PARTIAL_SET || g.kind == RuleKind.PARTIAL_OBJECT) {
                c.get(result).call(ruleFunction(g, ri));
                if (firstWins) c.end();
                continue;
            }
            int chain = c.i32Local();
            c.call(ruleFunction(g, ri)).set(chain);
            c.get(chain).ifThen();
            c.get(result).ifThen();
            c.get(result).get(chain).call(rt.eq).op(I32_EQZ).ifThen();
            abort(c, conflictMessage(g));
            c.end();
            c.elseBranch().get(chain).set(result).end();
            c.end();
            if (firstWins) c.end();
        }
        if (g.defaultRule != null) {
            c.get(result).op(I32_EQZ).ifThen();
            Fn f = new Fn(c, g.defaultModule);
            Label end = c.block();
            f.fail = end;
            eval(f, g.defaultRule.value(), v -> c.get(v).set(result));
            c.end();
            c.end();
        }
        if (g.kind != RuleKind.FUNCTION) {
            c.get(result).ifResult(I32).get(result).elseBranch().i32(1).end().gset(g.cacheGlobal);
        }
        c.get(result);
        m.define(g.fn, c);
    }

    /**
     * One rule of a group as its own Wasm function, called by the group's function. Chicory's AOT turns each Wasm
     * function into one JVM method, and HotSpot never JIT-compiles a method over 8,000 bytes of bytecode
     * (DontCompileHugeMethods): a group of thirty rules in one function ran in the bytecode interpreter. Takes
     * the group's arguments; a partial rule also takes the set or object it adds to and returns nothing, any
     * other rule returns its value (its else chain included), 0 when undefined.
     */
    private int ruleFunction(Group g, int ri) {
        int arity = g.arity();
        boolean partial = g.kind == RuleKind.PARTIAL_SET || g.kind == RuleKind.PARTIAL_OBJECT;
        byte[] params = new byte[arity + (partial ? 1 : 0)];
        java.util.Arrays.fill(params, I32);
        int fn = m.declare(g.name() + "#" + ri, params, partial ? new byte[0] : new byte[] {I32});
        Code c = new Code(params);
        Rule r = g.rules.get(ri);
        Module mod = g.modules.get(ri);
        if (partial) {
            int result = arity;
            Fn f = new Fn(c, mod);
            Label end = c.block();
            f.fail = end;
            body(f, r.body(), 0, () -> {
                if (g.kind == RuleKind.PARTIAL_SET) {
                    eval(f, r.key(), k -> c.get(result).get(k).call(rt.setAdd));
                } else if (!r.keyPrefix().isEmpty()) {
                    insertNested(f, g, result, r.keyPrefix(), 0, r.key(), r.value());
                } else {
                    eval(f, r.key(), k -> eval(f, r.value(), v -> c.get(result).get(k).get(v).call(rt.objInsertOnce)));
                }
            });
            c.end();
            m.define(fn, c);
            return fn;
        }
        int chain = c.i32Local();
        for (Rule branch = r; branch != null; branch = branch.elseRule()) {
            Rule br = branch;
            c.get(chain).op(I32_EQZ).ifThen();
            Fn f = new Fn(c, mod);
            Label end = c.block();
            f.fail = end;
            Runnable onSuccess = () -> {
                Term value = br.value() == null ? new Scalar(br.pos(), Boolean.TRUE) : br.value();
                eval(f, value, v -> {
                    c.get(chain).ifThen();
                    c.get(chain).get(v).call(rt.eq).op(I32_EQZ).ifThen();
                    abort(c, conflictMessage(g));
                    c.end();
                    c.elseBranch().get(v).set(chain).end();
                });
                if (constant(value) != null) c.br(end);
            };
            if (g.kind == RuleKind.FUNCTION) bindArgs(f, r.args(), 0, () -> body(f, br.body(), 0, onSuccess));
            else body(f, br.body(), 0, onSuccess);
            c.end();
            c.end();
        }
        c.get(chain);
        m.define(fn, c);
        return fn;
    }

    /** OPA's planner stops at the first function body that yields a value. */
    static final boolean FUNCTIONS_FIRST_WINS = Boolean.parseBoolean(System.getProperty("hoist.rego.functionsFirstWins", "false"));

    /**
     * A generic ref head ({@code p[a][b] := v}): one object per prefix term, created when absent; the value goes in
     * at the last key, where a second, different value is a conflict, as is a prefix key that holds a non-object.
     */
    private void insertNested(Fn f, Group g, int cur, List<Term> prefix, int i, Term key, Term value) {
        Code c = f.c;
        if (i == prefix.size()) {
            if (value == null) eval(f, key, k -> c.get(cur).get(k).call(rt.setAdd)); // cur is the set leaf
            else eval(f, key, k -> eval(f, value, v -> c.get(cur).get(k).get(v).call(rt.objInsertOnce)));
            return;
        }
        // the last prefix term of a multi-value head holds a set, every other one an object
        boolean set = value == null && i == prefix.size() - 1;
        eval(f, prefix.get(i), kp -> {
            int child = c.i32Local();
            c.get(cur).get(kp).call(rt.get).tee(child).op(I32_EQZ).ifThen();
            c.i32(4).call(set ? rt.mkSet : rt.mkObj).set(child);
            c.get(cur).get(kp).get(child).call(rt.objInsert);
            c.elseBranch();
            c.get(child).i32Load(0).i32(set ? Layout.SET : Layout.OBJECT).op(I32_NE).ifThen();
            abort(c, "eval_conflict_error: object keys must be unique (" + g.name() + ")");
            c.end();
            c.end();
            insertNested(f, g, child, prefix, i + 1, key, value);
        });
    }

    private static String conflictMessage(Group g) {
        return g.kind == RuleKind.FUNCTION
                ? "eval_conflict_error: functions must not produce multiple outputs for same inputs (" + g.name() + ")"
                : "eval_conflict_error: complete rules must not produce multiple outputs (" + g.name() + ")";
    }

    private void bindArgs(Fn f, List<Term> args, int i, Runnable k) {
        if (i == 0) {
            // a function's parameters are its own variables, even when a rule of the package has the same name
            List<String> params = new ArrayList<>();
            for (Term a : args) collectVars(a, params);
            params.removeIf(n -> n.equals("input") || n.equals("data"));
            f.declared.addAll(params);
        }
        if (i == args.size()) { k.run(); return; }
        unifyValue(f, args.get(i), i, () -> bindArgs(f, args, i + 1, k));
    }

    /** Inline fuel step: a call per loop iteration costs far more than these instructions in the interpreter. */
    private void burn(Code c) {
        c.gget(rt.fuelGlobal).i64(1).op(I64_SUB).gset(rt.fuelGlobal);
        c.gget(rt.fuelGlobal).i64(0).op(I64_LT_S).ifThen().call(rt.burn).end();
    }

    private void abort(Code c, String msg) {
        c.i32(statics.cstring(msg)).call(rt.abortFn);
    }

    // ================================================================== bodies and expressions
    private void body(Fn f, List<Expr> exprs, int i, Runnable k) {
        List<Expr> ordered = i == 0 && exprs.size() > 1 ? SafetyOrder.reorder(exprs, f.scope.keySet()) : exprs;
        bodyFrom(f, ordered, i, k);
    }

    private void bodyFrom(Fn f, List<Expr> exprs, int i, Runnable k) {
        if (i == exprs.size()) { k.run(); return; }
        expr(f, exprs.get(i), () -> bodyFrom(f, exprs, i + 1, k));
    }

    private void expr(Fn f, Expr e, Runnable k) {
        if (!e.withs().isEmpty()) { withExpr(f, e, k); return; }
        Code c = f.c;
            if (e.kind() instanceof TermExpr t) { termExpr(f, t.term(), k);
            } else if (e.kind() instanceof Unify u) { unify(f, u.left(), u.right(), k);
            } else if (e.kind() instanceof Assign a) { 
                for (String v : varsOf(a.left())) { f.scope.remove(v); f.declared.add(v); }
                unify(f, a.left(), a.right(), k);
            } else if (e.kind() instanceof SomeDecl s) { 
                for (Var v : s.vars()) { f.scope.remove(v.name()); f.declared.add(v.name()); }
                k.run();
            } else if (e.kind() instanceof SomeIn s) { 
                for (String v : varsOf(s.value())) { f.scope.remove(v); f.declared.add(v); }
                if (s.key() != null) for (String v : varsOf(s.key())) { f.scope.remove(v); f.declared.add(v); }
                eval(f, s.collection(), coll -> iterate(f, coll, s.key() != null, (key, val) -> {
                    Runnable bindVal = () -> unifyValue(f, s.value(), val, k);
                    if (s.key() != null) unifyValue(f, s.key(), key, bindVal);
                    else bindVal.run();
                }));
            } else if (e.kind() instanceof Not n0) {
                // OPA evaluates the operands of a negated call outside the negation (see Negation)
                Negation.Hoisted h = Negation.rewrite(n0.expr(), v -> f.scope.containsKey(v) || f.declared.contains(v) || !resolvable(f, v),
                        () -> "__not$" + (hoisted++));
                if (!h.before().isEmpty()) {
                    bodyFrom(f, h.before(), 0, () -> expr(f, new Expr(e.pos(), new Not(h.inner()), List.of()), k));
                    return;
                }
                Not n = new Not(h.inner());
                Map<String, Integer> saved = new HashMap<>(f.scope);
                Set<String> savedDecl = new HashSet<>(f.declared);
                Label outerFail = f.fail;
                Label innerFail = c.block();
                f.fail = innerFail;
                expr(f, n.expr(), () -> c.br(outerFail));
                c.end();
                f.fail = outerFail;
                f.scope = saved;
                f.declared = savedDecl;
                k.run();
            } else if (e.kind() instanceof Every ev) { 
                // every k, v in xs { body }  ==  not (some k, v in xs; not body)
                Map<String, Integer> saved = new HashMap<>(f.scope);
                Set<String> savedDecl = new HashSet<>(f.declared);
                Label outerFail = f.fail;
                eval(f, ev.collection(), coll -> {
                    // a domain that is not a collection makes every undefined, as in OPA (not vacuously true)
                    c.get(coll).i32Load(0).i32(Layout.ARRAY).op(I32_LT_U).brIf(outerFail);
                    Label noViolation = c.block();
                    f.fail = noViolation;
                    iterate(f, coll, ev.key() != null, (key, val) -> {
                        Label iterationFail = f.fail;
                        if (ev.key() != null) { f.scope.put(ev.key().name(), key); }
                        f.scope.put(ev.value().name(), val);
                        Label bodyFailed = c.block();
                        f.fail = bodyFailed;
                        body(f, ev.body(), 0, () -> c.br(iterationFail));
                        c.end();
                        c.br(outerFail);
                        f.fail = iterationFail;
                    });
                    c.end();
                    f.fail = outerFail;
                });
                f.scope = saved;
                f.declared = savedDecl;
                k.run();
            }
    }

    /** A term used as an expression: comparisons branch directly, other values must not be false. */
    private void termExpr(Fn f, Term t, Runnable k) {
        Code c = f.c;
        t = printCall(f, t);
        if (t instanceof Call call) {
            String name = call.name();
            int cmpOp = comparisonOp(name);
            if (cmpOp != 0 && call.args().size() == 2 && !mocks.containsKey(name)) {
                evalList(f, call.args(), 0, new int[2], ab -> {
                    c.get(ab[0]).get(ab[1]).call(rt.cmp).i32(0).op(cmpOp).op(I32_EQZ).brIf(f.fail);
                    k.run();
                });
                return;
            }
            int arity = callArity(f, call);
            if (arity >= 0 && call.args().size() == arity + 1) {
                List<Term> in = call.args().subList(0, arity);
                Term out = call.args().get(arity);
                Builtins.Builtin b = userFunction(f, call) == null ? Builtins.get(call.name()) : null;
                if (b != null && b.relation()) {
                    // every solution of the relation is a candidate for the output term
                    evalCall(f, call, in, r -> iterate(f, r, false, (key, val) -> unifyValue(f, out, val, k)));
                } else {
                    evalCall(f, call, in, r -> unifyValue(f, out, r, k));
                }
                return;
            }
        }
        eval(f, t, v -> {
            c.get(v).call(rt.truthy).op(I32_EQZ).brIf(f.fail);
            k.run();
        });
    }

    /**
     * print(a, b, ...) becomes internal.print([{a}, {b}, ...]): each argument is collected into a set (empty when
     * undefined), so print never fails and takes any number of arguments, as in OPA.
     */
    private Term printCall(Fn f, Term t) {
        if (!(t instanceof Call call) || !call.name().equals("print") || userFunction(f, call) != null) return t;
        List<Term> sets = new ArrayList<>();
        for (Term a : call.args()) {
            Var v = new Var(a.pos(), "__print$" + (hoisted++));
            sets.add(new SetCompr(a.pos(), v, List.of(new Expr(a.pos(), new Assign(v, a), List.of()))));
        }
        return new Call(call.pos(), "internal.print", List.of(new ArrayTerm(call.pos(), sets)));
    }

    private static int comparisonOp(String name) {
        return switch (name) {
            case "equal" -> I32_EQ;
            case "neq" -> I32_NE;
            case "lt" -> I32_LT_S;
            case "gt" -> I32_GT_S;
            case "lte" -> I32_LE_S;
            case "gte" -> I32_GE_S;
            default -> 0;
        };
    }

    // ================================================================== with
    private void withExpr(Fn f, Expr e, Runnable k) {
        Code c = f.c;
        Set<String> before = new HashSet<>(f.scope.keySet());
        List<String> outputs = new ArrayList<>();
        for (String v : varsOfExpr(e)) if (!isBound(f, v) && !v.startsWith("_$") && !outputs.contains(v)) outputs.add(v);
        int results = c.i32Local(), savedInput = c.i32Local(), savedData = c.i32Local();
        c.i32(4).call(rt.mkArr).set(results);
        c.gget(gInput).set(savedInput).gget(gData).set(savedData);
        List<int[]> overrides = new ArrayList<>();
        applyWiths(f, e.withs(), 0, overrides, () -> {
            clearCaches(c);
            Label outerFail = f.fail;
            Label done = c.block();
            f.fail = done;
            expr(f, new Expr(e.pos(), e.kind(), List.of()), () -> {
                int tuple = c.i32Local();
                c.i32(outputs.size()).call(rt.mkArr).set(tuple);
                for (String v : outputs) c.get(tuple).get(f.scope.get(v)).call(rt.arrAppend);
                c.get(results).get(tuple).call(rt.arrAppend);
            });
            c.end();
            f.fail = outerFail;
        });
        c.get(savedInput).gset(gInput).get(savedData).gset(gData);
        for (int[] o : overrides) c.get(o[1]).gset(o[0]);
        clearCaches(c);
        f.scope.keySet().retainAll(before);
        iterate(f, results, false, (key, tuple) -> {
            for (int i = 0; i < outputs.size(); i++) {
                int l = c.i32Local();
                c.get(tuple).i32Load(12).i32Load(4 * i).set(l);
                f.scope.put(outputs.get(i), l);
            }
            k.run();
        });
    }

    private void applyWiths(Fn f, List<With> withs, int i, List<int[]> overrides, Runnable k) {
        if (i == withs.size()) { k.run(); return; }
        Code c = f.c;
        With w = withs.get(i);
        String fnKey = functionKey(f, w.target(), true);
        if (fnKey != null && mocks.containsKey(fnKey)) {
            Mock mk = mocks.get(fnKey);
            int savedSel = c.i32Local(), savedVal = c.i32Local();
            c.gget(mk.sel).set(savedSel).gget(mk.val).set(savedVal);
            overrides.add(new int[] {mk.sel, savedSel});
            overrides.add(new int[] {mk.val, savedVal});
            String valueKey = functionKey(f, w.value(), false);
            if (valueKey != null) {
                c.i32(mk.candidates.indexOf(valueKey) + 1).gset(mk.sel);
                applyWiths(f, withs, i + 1, overrides, k);
            } else {
                eval(f, w.value(), v -> {
                    c.get(v).gset(mk.val).i32(-1).gset(mk.sel);
                    applyWiths(f, withs, i + 1, overrides, k);
                });
            }
            return;
        }
        List<Term> path = new ArrayList<>();
        String root = withRoot(f, w.target(), path);
        eval(f, w.value(), v -> {
            if (root.equals("input")) {
                upsert(f, gInput, path, v);
            } else if (root.equals("data")) {
                List<String> consts = new ArrayList<>();
                for (Term t : path) {
                    if (!(t instanceof Scalar s && s.value() instanceof String str)) throw new RegoSyntaxException(w.pos(), "with target must be a constant path");
                    consts.add(str);
                }
                Node n = tree.find(consts);
                if (n != null && n.group != null && n.group.kind != RuleKind.FUNCTION) {
                    int saved = c.i32Local();
                    c.gget(n.group.overrideGlobal).set(saved);
                    c.get(v).gset(n.group.overrideGlobal);
                    overrides.add(new int[] {n.group.overrideGlobal, saved});
                } else if (n != null && n.group != null) {
                    throw new RegoSyntaxException(w.pos(), "with on functions is not supported");
                } else {
                    upsert(f, gData, path, v);
                }
            } else {
                throw new RegoSyntaxException(w.pos(), "with target must be input or data");
            }
            applyWiths(f, withs, i + 1, overrides, k);
        });
    }

    private String withRoot(Fn f, Term target, List<Term> path) {
        if (target instanceof Var v) {
            Ref alias = f.aliases.get(v.name());
            if (alias != null && !v.name().equals("input") && !v.name().equals("data")) return withRoot(f, alias, path);
            if (!v.name().equals("input") && !v.name().equals("data")) {
                // a rule of the current package
                path.addAll(pkgTerms(f, v.pos()));
                path.add(new Scalar(v.pos(), v.name()));
                return "data";
            }
            return v.name();
        }
        if (target instanceof Ref r) {
            String root = withRoot(f, r.head(), path);
            path.addAll(r.path());
            return root;
        }
        if (target instanceof Call call) {
            throw new RegoSyntaxException(call.pos(), "with target must be a reference");
        }
        throw new RegoSyntaxException(target.pos(), "with target must be a reference");
    }

    private List<Term> pkgTerms(Fn f, Pos pos) {
        List<Term> l = new ArrayList<>();
        for (String s : f.module.pkg()) l.add(new Scalar(pos, s));
        return l;
    }

    /** global := copy of global with path set to v (objects created along the way). */
    private void upsert(Fn f, int global, List<Term> path, int v) {
        Code c = f.c;
        if (path.isEmpty()) { c.get(v).gset(global); return; }
        int cur = c.i32Local();
        c.gget(global).set(cur);
        int res = upsertRec(f, cur, path, 0, v);
        c.get(res).gset(global);
    }

    private int upsertRec(Fn f, int cur, List<Term> path, int i, int v) {
        Code c = f.c;
        if (i == path.size()) return v;
        int copy = c.i32Local(), child = c.i32Local();
        c.get(cur).ifResult(I32).get(cur).i32Load(0).i32(Layout.OBJECT).op(I32_EQ).elseBranch().i32(0).end().ifThen();
        c.get(cur).call(copyObjFn).set(copy);
        c.elseBranch();
        c.i32(4).call(rt.mkObj).set(copy);
        c.end();
        int[] keyHolder = new int[1];
        eval(f, path.get(i), key -> keyHolder[0] = key);
        c.get(copy).get(keyHolder[0]).call(rt.objGet).set(child);
        int sub = upsertRec(f, child, path, i + 1, v);
        c.get(copy).get(keyHolder[0]).get(sub).call(rt.objInsert);
        return copy;
    }

    // ================================================================== unification
    private void unify(Fn f, Term a, Term b, Runnable k) {
        boolean pa = isPattern(f, a), pb = isPattern(f, b);
        if (pa && pb) {
            if (a instanceof ArrayTerm x && b instanceof ArrayTerm y) {
                if (x.items().size() != y.items().size()) { f.c.br(f.fail); return; }
                unifyPairs(f, x.items(), y.items(), 0, k);
                return;
            }
            if (a instanceof ObjectTerm x && b instanceof ObjectTerm y) {
                List<Term> left = new ArrayList<>(), right = new ArrayList<>();
                for (int i = 0; i < x.keys().size(); i++) {
                    Object key = constant(x.keys().get(i));
                    int j = -1;
                    for (int q = 0; q < y.keys().size() && key != null; q++) {
                        Object other = constant(y.keys().get(q));
                        if (other != null && Values.equal(key, other)) j = q;
                    }
                    if (j < 0 || x.keys().size() != y.keys().size()) { f.c.br(f.fail); return; }
                    left.add(x.values().get(i));
                    right.add(y.values().get(j));
                }
                unifyPairs(f, left, right, 0, k);
                return;
            }
            if (a instanceof Var && !(b instanceof Var)) {
                // a is a fresh var, b is a pattern that cannot be evaluated
                throw new RegoSyntaxException(b.pos(), "var " + String.join(", ", unbound(f, b)) + " is unsafe");
            }
            throw new RegoSyntaxException(a.pos(), "var " + String.join(", ", unbound(f, a)) + " is unsafe");
        }
        if (pa) { eval(f, b, v -> unifyValue(f, a, v, k)); return; }
        if (pb) { eval(f, a, v -> unifyValue(f, b, v, k)); return; }
        eval(f, a, x -> eval(f, b, y -> {
            f.c.get(x).get(y).call(rt.eq).op(I32_EQZ).brIf(f.fail);
            k.run();
        }));
    }

    private void unifyPairs(Fn f, List<Term> a, List<Term> b, int i, Runnable k) {
        if (i == a.size()) { k.run(); return; }
        unify(f, a.get(i), b.get(i), () -> unifyPairs(f, a, b, i + 1, k));
    }

    /** Matches term against the value in local v, binding the term's unbound variables. */
    private void unifyValue(Fn f, Term t, int v, Runnable k) {
        Code c = f.c;
        if (t instanceof Var var && !isBound(f, var.name())) {
            if (!var.isWildcard()) f.scope.put(var.name(), v);
            k.run();
            return;
        }
        if (!isPattern(f, t)) {
            Object cv = constant(t);
            if (cv != null && !(cv instanceof List) && !(cv instanceof Map) && !(cv instanceof Set)) {
                c.get(v).i32(statics.constant(cv)).call(rt.eq).op(I32_EQZ).brIf(f.fail);
                k.run();
                return;
            }
            eval(f, t, x -> {
                c.get(x).get(v).call(rt.eq).op(I32_EQZ).brIf(f.fail);
                k.run();
            });
            return;
        }
        if (t instanceof ArrayTerm arr) {
            c.get(v).i32Load(0).i32(Layout.ARRAY).op(I32_NE).brIf(f.fail);
            c.get(v).i32Load(4).i32(arr.items().size()).op(I32_NE).brIf(f.fail);
            unifyElements(f, arr.items(), v, 0, k);
            return;
        }
        if (t instanceof ObjectTerm obj) {
            c.get(v).i32Load(0).i32(Layout.OBJECT).op(I32_NE).brIf(f.fail);
            c.get(v).i32Load(4).i32(obj.keys().size()).op(I32_NE).brIf(f.fail);
            unifyObject(f, obj, v, 0, k);
            return;
        }
        throw new RegoSyntaxException(t.pos(), "var " + String.join(", ", unbound(f, t)) + " is unsafe");
    }

    private void unifyElements(Fn f, List<Term> items, int v, int i, Runnable k) {
        if (i == items.size()) { k.run(); return; }
        int e = f.c.i32Local();
        f.c.get(v).i32Load(12).i32Load(4 * i).set(e);
        unifyValue(f, items.get(i), e, () -> unifyElements(f, items, v, i + 1, k));
    }

    private void unifyObject(Fn f, ObjectTerm obj, int v, int i, Runnable k) {
        if (i == obj.keys().size()) { k.run(); return; }
        eval(f, obj.keys().get(i), key -> {
            int e = f.c.i32Local();
            f.c.get(v).get(key).call(rt.objGet).tee(e).op(I32_EQZ).brIf(f.fail);
            unifyValue(f, obj.values().get(i), e, () -> unifyObject(f, obj, v, i + 1, k));
        });
    }

    // ================================================================== variables
    private boolean isBound(Fn f, String name) {
        if (f.scope.containsKey(name)) return true;
        if (name.startsWith("_$")) return false;
        if (f.declared.contains(name)) return false;
        return resolvable(f, name);
    }

    private boolean resolvable(Fn f, String name) {
        if (name.equals("input") || name.equals("data")) return true;
        if (f.aliases.containsKey(name)) return true;
        if (f.module == null) return false;
        Node pkg = tree.find(f.module.pkg());
        return pkg != null && pkg.children.containsKey(name);
    }

    /** True if the term has variables that unification must bind (outside refs and comprehensions). */
    private boolean isPattern(Fn f, Term t) {
        return !unbound(f, t).isEmpty();
    }

    private List<String> unbound(Fn f, Term t) {
        List<String> out = new ArrayList<>();
        collectUnbound(f, t, out);
        return out;
    }

    private void collectUnbound(Fn f, Term t, List<String> out) {
        if (t instanceof Var v) { if (!isBound(f, v.name())) out.add(v.name().startsWith("_$") ? "_" : v.name()); }
        else if (t instanceof ArrayTerm a) a.items().forEach(x -> collectUnbound(f, x, out));
        else if (t instanceof ObjectTerm o) o.values().forEach(x -> collectUnbound(f, x, out));
    }

    private static List<String> varsOf(Term t) {
        List<String> out = new ArrayList<>();
        collectVars(t, out);
        return out;
    }

    private static void collectVars(Term t, List<String> out) {
        if (t instanceof Var v) out.add(v.name());
        else if (t instanceof Ref r) { collectVars(r.head(), out); r.path().forEach(x -> collectVars(x, out)); }
        else if (t instanceof ArrayTerm a) a.items().forEach(x -> collectVars(x, out));
        else if (t instanceof SetTerm st) st.items().forEach(x -> collectVars(x, out));
        else if (t instanceof ObjectTerm o) { o.keys().forEach(x -> collectVars(x, out)); o.values().forEach(x -> collectVars(x, out)); }
        else if (t instanceof Call call) call.args().forEach(x -> collectVars(x, out));
    }

    private static List<String> varsOfExpr(Expr e) {
        List<String> out = new ArrayList<>();
        ExprKind k = e.kind();
        if (k instanceof TermExpr t) collectVars(t.term(), out);
        else if (k instanceof Unify u) { collectVars(u.left(), out); collectVars(u.right(), out); }
        else if (k instanceof Assign a) { collectVars(a.left(), out); collectVars(a.right(), out); }
        else if (k instanceof SomeIn si) { if (si.key() != null) collectVars(si.key(), out); collectVars(si.value(), out); collectVars(si.collection(), out); }
        return out;
    }

    // ================================================================== term evaluation
    /** Ground constant value of a term, or null if it needs evaluation. */
    static Object constant(Term t) {
        if (t instanceof Scalar sc) return sc.value() == null ? Values.NULL : sc.value();
        if (t instanceof ArrayTerm a) {
            List<Object> l = new ArrayList<>();
            for (Term x : a.items()) { Object v = constant(x); if (v == null) return null; l.add(v); }
            return l;
        }
        if (t instanceof SetTerm st) {
            Set<Object> set = Values.newSet();
            for (Term x : st.items()) { Object v = constant(x); if (v == null) return null; set.add(v); }
            return set;
        }
        if (t instanceof ObjectTerm o) {
            Map<Object, Object> mm = Values.newObject();
            for (int i = 0; i < o.keys().size(); i++) {
                Object k = constant(o.keys().get(i)), v = constant(o.values().get(i));
                if (k == null || v == null) return null;
                mm.put(k, v);
            }
            return mm;
        }
        return null;
    }

    private void eval(Fn f, Term t, IntConsumer k) {
        Code c = f.c;
        Object cv = constant(t);
        if (cv != null) {
            int l = c.i32Local();
            c.i32(statics.constant(cv)).set(l);
            k.accept(l);
            return;
        }
        if (t instanceof Var v) {
                Integer l = f.scope.get(v.name());
                if (l != null) { k.accept(l); return; }
                if (!isBound(f, v.name())) throw new RegoSyntaxException(v.pos(), "var " + (v.isWildcard() ? "_" : v.name()) + " is unsafe");
                evalRef(f, new Ref(v.pos(), v, List.of()), k);
        } else if (t instanceof Ref r) {
            evalRef(f, r, k);
        } else if (t instanceof ArrayTerm a) {
            evalList(f, a.items(), 0, new int[a.items().size()], locals -> {
                int arr = c.i32Local();
                c.i32(locals.length).call(rt.mkArr).set(arr);
                for (int l : locals) c.get(arr).get(l).call(rt.arrAppend);
                k.accept(arr);
            });
        } else if (t instanceof SetTerm s) {
            evalList(f, s.items(), 0, new int[s.items().size()], locals -> {
                int set = c.i32Local();
                c.i32(locals.length).call(rt.mkSet).set(set);
                for (int l : locals) c.get(set).get(l).call(rt.setAdd);
                k.accept(set);
            });
        } else if (t instanceof ObjectTerm o) {
                List<Term> all = new ArrayList<>(o.keys());
                all.addAll(o.values());
                evalList(f, all, 0, new int[all.size()], locals -> {
                    int obj = c.i32Local(), n = o.keys().size();
                    c.i32(n).call(rt.mkObj).set(obj);
                    for (int i = 0; i < n; i++) c.get(obj).get(locals[i]).get(locals[n + i]).call(rt.objInsert);
                    k.accept(obj);
                });
        } else if (t instanceof ArrayCompr ac) {
            comprehension(f, ac.body(), rt.mkArr, coll -> eval(f, ac.head(), v -> c.get(coll).get(v).call(rt.arrAppend)), k);
        } else if (t instanceof SetCompr sc) {
            comprehension(f, sc.body(), rt.mkSet, coll -> eval(f, sc.head(), v -> c.get(coll).get(v).call(rt.setAdd)), k);
        } else if (t instanceof ObjectCompr oc) {
            comprehension(f, oc.body(), rt.mkObj,
                    coll -> eval(f, oc.key(), kk -> eval(f, oc.value(), v -> c.get(coll).get(kk).get(v).call(rt.objInsertOnce))), k);
        } else if (t instanceof Call call0) {
                Call call = (Call) printCall(f, call0);
                int arity = callArity(f, call);
                if (arity >= 0 && call.args().size() != arity) {
                    throw new RegoSyntaxException(call.pos(), call.name() + ": expected " + arity + " arguments, got " + call.args().size());
                }
                evalCall(f, call, call.args(), k);
        }
    }

    /**
     * Evaluates items into locals (by position). A bare variable not bound yet is read after the other items, as
     * OPA evaluates references among operands first: in {@code foo == input.foos[foo]} the reference binds foo.
     */
    private void evalList(Fn f, List<Term> items, int i, int[] locals, java.util.function.Consumer<int[]> k) {
        List<Integer> order = new ArrayList<>(), unboundVars = new ArrayList<>();
        for (int j = i; j < items.size(); j++) {
            if (items.get(j) instanceof Var v && !f.scope.containsKey(v.name()) && !isBound(f, v.name())) unboundVars.add(j);
            else order.add(j);
        }
        order.addAll(unboundVars);
        evalInOrder(f, items, order, 0, locals, k);
    }

    private void evalInOrder(Fn f, List<Term> items, List<Integer> order, int n, int[] locals, java.util.function.Consumer<int[]> k) {
        if (n == order.size()) { k.accept(locals); return; }
        int at = order.get(n);
        eval(f, items.get(at), l -> { locals[at] = l; evalInOrder(f, items, order, n + 1, locals, k); });
    }

    private void comprehension(Fn f, List<Expr> body, int mkFn, IntConsumer add, IntConsumer k) {
        Code c = f.c;
        int coll = c.i32Local();
        c.i32(4).call(mkFn).set(coll);
        Map<String, Integer> saved = new HashMap<>(f.scope);
        Set<String> savedDecl = new HashSet<>(f.declared);
        Label outerFail = f.fail;
        Label end = c.block();
        f.fail = end;
        body(f, body, 0, () -> add.accept(coll));
        c.end();
        f.fail = outerFail;
        f.scope = saved;
        f.declared = savedDecl;
        k.accept(coll);
    }

    // ================================================================== references
    private void evalRef(Fn f, Ref r, IntConsumer k) {
        Code c = f.c;
        if (r.head() instanceof Var v) {
            Integer l = f.scope.get(v.name());
            if (l != null) { walk(f, l, r.path(), 0, k); return; }
            if (f.declared.contains(v.name()) || v.isWildcard()) throw new RegoSyntaxException(v.pos(), "var " + v.name() + " is unsafe");
            if (v.name().equals("input")) {
                int in = c.i32Local();
                c.gget(gInput).tee(in).op(I32_EQZ).brIf(f.fail);
                walk(f, in, r.path(), 0, k);
                return;
            }
            if (v.name().equals("data")) { dataWalk(f, r.pos(), r.path(), k); return; }
            Ref alias = f.aliases.get(v.name());
            if (alias != null) {
                List<Term> p = new ArrayList<>(alias.path());
                p.addAll(r.path());
                evalRef(f, new Ref(r.pos(), alias.head(), p), k);
                return;
            }
            if (f.module != null && resolvable(f, v.name())) {
                List<Term> p = pkgTerms(f, v.pos());
                p.add(new Scalar(v.pos(), v.name()));
                p.addAll(r.path());
                dataWalk(f, r.pos(), p, k);
                return;
            }
            throw new RegoSyntaxException(v.pos(), "var " + v.name() + " is unsafe");
        }
        eval(f, r.head(), h -> walk(f, h, r.path(), 0, k));
    }

    private void walk(Fn f, int cur, List<Term> path, int i, IntConsumer k) {
        Code c = f.c;
        if (i == path.size()) { k.accept(cur); return; }
        Term key = path.get(i);
        if (!isPattern(f, key)) {
            eval(f, key, kl -> {
                int next = c.i32Local();
                c.get(cur).get(kl).call(rt.get).tee(next).op(I32_EQZ).brIf(f.fail);
                walk(f, next, path, i + 1, k);
            });
            return;
        }
        boolean needKey = !(key instanceof Var v && v.isWildcard());
        iterate(f, cur, needKey, (kl, vl) -> {
            if (needKey) unifyValue(f, key, kl, () -> walk(f, vl, path, i + 1, k));
            else walk(f, vl, path, i + 1, k);
        });
    }

    private void dataWalk(Fn f, Pos pos, List<Term> path, IntConsumer k) {
        Code c = f.c;
        Node n = tree.root;
        int i = 0;
        while (i < path.size()) {
            String s = constString(path.get(i));
            if (s == null) break;
            Node child = n.children.get(s);
            if (child == null) {
                // not virtual: plain base data below this point
                int cur = c.i32Local();
                c.gget(gData).set(cur);
                for (int j = 0; j <= i; j++) {
                    c.get(cur).i32(statics.constant(s(path.get(j)))).call(rt.get).tee(cur).op(I32_EQZ).brIf(f.fail);
                }
                walk(f, cur, path, i + 1, k);
                return;
            }
            n = child;
            i++;
            if (n.group != null) {
                if (n.group.kind == RuleKind.FUNCTION) throw new RegoSyntaxException(pos, "function " + n.group.name() + " must be called");
                int v = c.i32Local();
                c.call(extent(n)).tee(v).op(I32_EQZ).brIf(f.fail);
                walk(f, v, path, i, k);
                return;
            }
        }
        if (i < path.size() && !n.children.isEmpty() && !isPattern(f, path.get(i))) {
            dynamicChild(f, n, path, i, k);
            return;
        }
        int v = c.i32Local();
        c.call(materialize(n)).set(v);
        walk(f, v, path, i, k);
    }

    /**
     * {@code data.a[key]...} with key bound at run time: only the child the key names is built (OPA issue 7399),
     * never the whole package, which may hold the very rule asking (materialising it would recurse).
     */
    private void dynamicChild(Fn f, Node n, List<Term> path, int i, IntConsumer k) {
        Code c = f.c;
        eval(f, path.get(i), key -> {
            int v = c.i32Local();
            Label found = c.block();
            for (Map.Entry<String, Node> e : n.children.entrySet()) {
                Node child = e.getValue();
                if (child.group != null && child.group.kind == RuleKind.FUNCTION && child.group.arity() > 0) continue;
                c.get(key).i32(statics.constant(e.getKey())).call(rt.cmp).op(I32_EQZ).ifThen();
                c.call(child.group != null ? extent(child) : materialize(child)).set(v).br(found);
                c.end();
            }
            // no rule or package by that name: base data only
            c.gget(gData).set(v);
            for (int j = 0; j < i; j++) c.get(v).i32(statics.constant(s(path.get(j)))).call(rt.get).set(v).get(v).op(I32_EQZ).brIf(found);
            c.get(v).get(key).call(rt.get).set(v);
            c.end();
            c.get(v).op(I32_EQZ).brIf(f.fail);
            walk(f, v, path, i + 1, k);
        });
    }

    private static String constString(Term t) {
        return t instanceof Scalar s && s.value() instanceof String str ? str : null;
    }

    private static String s(Term t) { return (String) ((Scalar) t).value(); }

    /**
     * The value of a rule's node. A rule with rules below it ({@code p.q[k] := ...} beside {@code p.q.r := 1}) is
     * one object in OPA: the rule's entries merged with the values of the rules below, a key defined by both being
     * an eval_conflict_error. Otherwise it is the rule's own function.
     */
    private int extent(Node n) {
        boolean below = n.children.values().stream().anyMatch(ch -> ch.group == null
                || ch.group.kind != RuleKind.FUNCTION || ch.group.arity() == 0);
        if (!below || n.group.kind == RuleKind.FUNCTION) return n.group.fn;
        if (n.extentFn >= 0) return n.extentFn;
        n.extentFn = m.declare("extent:data." + String.join(".", n.path), new byte[0], new byte[] {I32});
        Code c = new Code();
        int obj = c.i32Local(), v = c.i32Local(), isObj = c.i32Local();
        c.i32(1).set(isObj);
        c.call(n.group.fn).set(obj);
        c.get(obj).op(I32_EQZ).ifThen().i32(4).call(rt.mkObj).set(obj);
        c.elseBranch().get(obj).i32Load(0).i32(Layout.OBJECT).op(I32_EQ).tee(isObj).ifThen();
        c.get(obj).call(copyObjFn).set(obj);
        c.end().end();
        // a value that is not an object has nothing to merge with (OPA refuses such modules when compiling them)
        c.get(isObj).ifThen();
        for (Map.Entry<String, Node> e : n.children.entrySet()) {
            Node child = e.getValue();
            if (child.group != null && child.group.kind == RuleKind.FUNCTION && child.group.arity() > 0) continue;
            c.call(child.group != null ? extent(child) : materialize(child)).tee(v).ifThen();
            // the same value from both is no conflict (p[q].r := 0 for q = "a" beside p.a.r := 0)
            int had = c.i32Local();
            // the rule's own objects (p[q].r beside p.a.s) merge down to its values, where only equal values or
            // the sets of a multi-value head (p[q] contains r beside p.b contains "foo") go together
            c.get(obj).i32(statics.constant(e.getKey())).call(rt.get).tee(had).ifThen();
            c.get(had).get(v).i32(headDepth(n.group)).i32(n.group.rules.stream().anyMatch(Rule::setLeaf) ? 1 : 0)
                    .call(mergeFn).tee(v).op(I32_EQZ).ifThen();
            abort(c, "eval_conflict_error: object keys must be unique (data." + String.join(".", child.path) + ")");
            c.end();
            c.end();
            c.get(obj).i32(statics.constant(e.getKey())).get(v).call(rt.objInsert);
            c.end();
        }
        c.end();
        c.get(obj);
        m.define(n.extentFn, c);
        return n.extentFn;
    }

    /** Function building the object for a package node: base data merged with the rules' values. */
    private int materialize(Node n) {
        if (n.materializeFn >= 0) return n.materializeFn;
        n.materializeFn = m.declare("materialize:data." + String.join(".", n.path), new byte[0], new byte[] {I32});
        Code c = new Code();
        int obj = c.i32Local(), base = c.i32Local(), v = c.i32Local();
        c.gget(gData).set(base);
        Label none = c.block();
        for (String s : n.path) {
            c.get(base).i32(statics.constant(s)).call(rt.get).tee(base).op(I32_EQZ).brIf(none);
        }
        c.end();
        c.get(base).ifResult(I32).get(base).i32Load(0).i32(Layout.OBJECT).op(I32_EQ).elseBranch().i32(0).end().ifThen();
        c.get(base).call(copyObjFn).set(obj);
        c.elseBranch();
        c.i32(4).call(rt.mkObj).set(obj);
        c.end();
        for (Map.Entry<String, Node> e : n.children.entrySet()) {
            Node child = e.getValue();
            if (child.group != null) {
                if (child.group.kind == RuleKind.FUNCTION && child.group.arity() > 0) continue;
                c.call(extent(child)).tee(v).ifThen();
                c.get(obj).i32(statics.constant(e.getKey())).get(v).call(rt.objInsert);
                c.end();
            } else {
                c.get(obj).i32(statics.constant(e.getKey())).call(materialize(child)).call(rt.objInsert);
            }
        }
        c.get(obj);
        m.define(n.materializeFn, c);
        return n.materializeFn;
    }

    /** Loops over a collection's elements; body gets key and value locals. Non-collections give no elements. */
    private void iterate(Fn f, int coll, boolean needKey, java.util.function.BiConsumer<Integer, Integer> body) {
        Code c = f.c;
        int tag = c.i32Local(), n = c.i32Local(), i = c.i32Local(), key = c.i32Local(), val = c.i32Local(), ptr = c.i32Local();
        c.get(coll).i32Load(0).tee(tag).i32(Layout.ARRAY).op(I32_GE_U).ifResult(I32).get(coll).i32Load(4).elseBranch().i32(0).end().set(n);
        c.get(coll).i32Load(12).set(ptr);
        c.i32(0).set(i);
        Label outerFail = f.fail;
        Label exit = c.block();
        Label top = c.loop();
        burn(c);
        c.get(i).get(n).op(I32_GE_U).brIf(exit);
        c.get(tag).i32(Layout.OBJECT).op(I32_EQ).ifThen();
        c.get(ptr).get(i).i32(3).op(I32_SHL).op(I32_ADD).tee(val).i32Load(0).set(key);
        c.get(val).i32Load(4).set(val);
        c.elseBranch();
        c.get(ptr).get(i).i32(2).op(I32_SHL).op(I32_ADD).i32Load(0).set(val);
        if (needKey) {
            c.get(tag).i32(Layout.SET).op(I32_EQ).ifResult(I32).get(val).elseBranch()
                    .get(i).op(F64_CONVERT_I32_S).call(rt.mkNum).end().set(key);
        }
        c.end();
        c.get(i).i32(1).op(I32_ADD).set(i);
        Label next = c.block();
        f.fail = next;
        Map<String, Integer> saved = new HashMap<>(f.scope);
        body.accept(key, val);
        f.scope = saved;
        c.end();
        c.br(top);
        c.end().end();
        f.fail = outerFail;
        // after the loop, iteration is exhausted: continuing past it would be wrong, so fail
        c.br(outerFail);
    }

    // ================================================================== calls
    /** Declared arity of the called function, -1 if unknown. */
    private int callArity(Fn f, Call call) {
        Group g = userFunction(f, call);
        if (g != null) return g.arity();
        Builtins.Builtin b = Builtins.get(call.name());
        if (b != null) return b.arity();
        return switch (call.name()) {
            case "equal", "neq", "lt", "gt", "lte", "gte", "plus", "minus", "mul", "div", "rem" -> 2;
            case "count" -> 1;
            case "internal.member_2" -> 2;
            case "internal.member_3" -> 3;
            default -> -1;
        };
    }

    private Group userFunction(Fn f, Call call) {
        String[] parts = call.name().split("\\.");
        List<String> path = new ArrayList<>();
        if (parts[0].equals("data")) {
            for (int i = 1; i < parts.length; i++) path.add(parts[i]);
        } else if (f.aliases.containsKey(parts[0]) && !parts[0].equals("input")) {
            Ref alias = f.aliases.get(parts[0]);
            if (!(alias.head() instanceof Var v && v.name().equals("data"))) return null;
            for (Term t : alias.path()) path.add(constString(t));
            for (int i = 1; i < parts.length; i++) path.add(parts[i]);
        } else if (f.module != null) {
            path.addAll(f.module.pkg());
            path.addAll(List.of(parts));
            Node n = tree.find(path);
            if (n == null || n.group == null) return null;
        } else return null;
        Node n = tree.find(path);
        if (n == null || n.group == null) return null;
        if (n.group.kind != RuleKind.FUNCTION) return null;
        return n.group;
    }

    private void evalCall(Fn f, Call call, List<Term> args, IntConsumer k) {
        Code c = f.c;
        Group g = userFunction(f, call);
        String key = g != null ? g.name() : call.name();
        if (g == null && !mocks.containsKey(key) && Builtins.get(key) == null && !INLINE.contains(key)) {
            throw new RegoSyntaxException(call.pos(), "undefined function " + key);
        }
        evalList(f, args, 0, new int[args.size()], locals -> {
            int r = callByKey(c, key, locals);
            c.get(r).op(I32_EQZ).brIf(f.fail);
            k.accept(r);
        });
    }

    private static final Map<String, Integer> TYPE_TESTS = Map.of("is_null", Layout.NULL, "is_boolean", Layout.BOOL,
            "is_number", Layout.NUMBER, "is_string", Layout.STRING, "is_array", Layout.ARRAY, "is_object", Layout.OBJECT,
            "is_set", Layout.SET);

    private static final Set<String> INLINE = Set.of("equal", "neq", "lt", "gt", "lte", "gte", "plus", "minus", "mul",
            "div", "rem", "count", "internal.member_2", "internal.member_3");

    /** Calls a function (user function path or builtin name), honouring 'with' mocks; returns the result local. */
    private int callByKey(Code c, String key, int[] args) {
        Mock mk = mocks.get(key);
        if (mk == null || !mocking.add(key)) return normalCall(c, key, args);
        int r = c.i32Local(), sel = c.i32Local();
        c.gget(mk.sel).set(sel);
        c.get(sel).op(I32_EQZ).ifThen();
        c.get(normalCall(c, key, args)).set(r);
        c.elseBranch();
        c.get(sel).i32(-1).op(I32_EQ).ifThen();
        c.gget(mk.val).set(r);
        c.elseBranch();
        for (int i = 0; i < mk.candidates.size(); i++) {
            String cand = mk.candidates.get(i);
            c.get(sel).i32(i + 1).op(I32_EQ).ifThen();
            // inside a replacement no mock applies: it sees the original functions
            List<int[]> saved = new ArrayList<>();
            for (Mock other : mocks.values()) {
                int l = c.i32Local();
                c.gget(other.sel).set(l).i32(0).gset(other.sel);
                saved.add(new int[] {other.sel, l});
            }
            c.get(callByKey(c, cand, args)).set(r);
            for (int[] sv : saved) c.get(sv[1]).gset(sv[0]);
            c.end();
        }
        c.end();
        c.end();
        mocking.remove(key);
        return r;
    }

    private int normalCall(Code c, String key, int[] l) {
        int r = c.i32Local();
        if (key.startsWith("data.")) {
            Node n = tree.find(List.of(key.substring(5).split("\\.")));
            if (n == null || n.group == null || n.group.kind != RuleKind.FUNCTION || n.group.arity() != l.length) {
                abort(c, "eval_type_error: " + key + " is not a function of " + l.length + " arguments");
                c.i32(0).set(r);
                return r;
            }
            for (int x : l) c.get(x);
            c.call(n.group.fn).set(r);
            return r;
        }
        int cmpOp = comparisonOp(key);
        if (cmpOp != 0) {
            c.get(l[0]).get(l[1]).call(rt.cmp).i32(0).op(cmpOp).call(rt.mkBool).set(r);
            return r;
        }
        int arithOp = switch (key) {
            case "plus" -> Runtime.ADD;
            case "minus" -> Runtime.SUB;
            case "mul" -> Runtime.MUL;
            case "div" -> Runtime.DIV;
            case "rem" -> Runtime.REM;
            default -> -1;
        };
        if (arithOp >= 0) {
            if (arithOp == Runtime.SUB) {
                // minus on two sets is set difference (host builtin)
                c.get(l[0]).i32Load(0).i32(Layout.SET).op(I32_EQ).ifResult(I32);
                callHost(c, "internal.set_diff", 2, l);
                c.elseBranch();
                c.i32(arithOp).get(l[0]).get(l[1]).call(rt.arith);
                c.end().set(r);
            } else {
                c.i32(arithOp).get(l[0]).get(l[1]).call(rt.arith).set(r);
            }
            return r;
        }
        if (key.equals("internal.member_3")) {
            int e = c.i32Local();
            c.get(l[2]).i32Load(0).i32(Layout.ARRAY).op(I32_GE_U).ifResult(I32);
            c.get(l[2]).get(l[0]).call(rt.get).tee(e).ifResult(I32).get(e).get(l[1]).call(rt.eq).elseBranch().i32(0).end();
            c.elseBranch().i32(0).end();
            c.call(rt.mkBool).set(r);
            return r;
        }
        if (key.equals("internal.member_2")) {
            c.get(l[0]).get(l[1]).call(memberFn).call(rt.mkBool).set(r);
            return r;
        }
        Integer typeTag = TYPE_TESTS.get(key);
        if (typeTag != null && l.length == 1) {
            // a type test is a tag comparison: no trip to the host, which would copy the whole value out
            c.get(l[0]).i32Load(0).i32(typeTag).op(I32_EQ).call(rt.mkBool).set(r);
            return r;
        }
        if (key.equals("count")) {
            // count of a scalar is OPA's eval_type_error: the host raises it in strict mode, else it is undefined
            c.get(l[0]).i32Load(0).i32(Layout.STRING).op(I32_LT_U).ifResult(I32);
            callHost(c, "internal.count_type_error", 1, l);
            c.elseBranch();
            c.get(l[0]).call(rt.len).op(F64_CONVERT_I32_S).call(rt.mkNum).end().set(r);
            return r;
        }
        if ((key.equals("startswith") || key.equals("endswith")) && l.length == 2) {
            // two strings: a byte comparison here instead of a trip to the host, which decodes both strings (the
            // vmware rules call startswith for every disk and device); anything else goes to the host's type error
            boolean ends = key.equals("endswith");
            c.get(l[0]).i32Load(0).i32(Layout.STRING).op(I32_EQ).get(l[1]).i32Load(0).i32(Layout.STRING).op(I32_EQ)
                    .op(I32_AND).ifResult(I32);
            c.get(l[1]).i32Load(4).get(l[0]).i32Load(4).op(I32_LE_U).ifResult(I32);
            c.get(l[0]).i32Load(8);
            if (ends) c.get(l[0]).i32Load(4).get(l[1]).i32Load(4).op(I32_SUB).op(I32_ADD);
            c.get(l[1]).i32Load(4).get(l[1]).i32Load(8).get(l[1]).i32Load(4).call(rt.memeq).op(I32_EQZ);
            c.elseBranch().i32(0).end();
            c.call(rt.mkBool);
            c.elseBranch();
            callHost(c, key, 2, l);
            c.end().set(r);
            return r;
        }
        Builtins.Builtin b = Builtins.get(key);
        if (b == null || b.arity() != l.length) {
            abort(c, "eval_builtin_error: builtin " + key + " with " + l.length + " arguments is not available");
            c.i32(0).set(r);
            return r;
        }
        callHost(c, key, b.arity(), l);
        c.set(r);
        return r;
    }

    // ================================================================== with: function and builtin mocks
    /** Replacement state of one function or builtin that some 'with' mocks. */
    private record Mock(int sel, int val, List<String> candidates) {}

    private final Map<String, Mock> mocks = new HashMap<>();
    private final Set<String> mocking = new HashSet<>();

    /** Finds every 'with' whose target is a function, so call sites of that function can be switched. */
    void prescanMocks() {
        for (Group g : tree.groups) {
            for (int i = 0; i < g.rules.size(); i++) {
                for (Rule r = g.rules.get(i); r != null; r = r.elseRule()) scanBody(new Fn(null, g.modules.get(i)), r.body());
            }
        }
    }

    private void scanBody(Fn f, List<Expr> body) {
        for (Expr e : body) {
            for (With w : e.withs()) {
                String target = functionKey(f, w.target(), true);
                if (target == null) continue;
                Mock mk = mocks.computeIfAbsent(target, t -> new Mock(m.global(I32, true, 0), m.global(I32, true, 0), new ArrayList<>()));
                String value = functionKey(f, w.value(), false);
                if (value != null && !mk.candidates.contains(value)) mk.candidates.add(value);
                scanTerm(f, w.value());
            }
            ExprKind k = e.kind();
            if (k instanceof Not n) scanBody(f, List.of(n.expr()));
            else if (k instanceof Every ev) scanBody(f, ev.body());
            else if (k instanceof TermExpr t) scanTerm(f, t.term());
            else if (k instanceof Unify u) { scanTerm(f, u.left()); scanTerm(f, u.right()); }
            else if (k instanceof Assign a) scanTerm(f, a.right());
        }
    }

    private void scanTerm(Fn f, Term t) {
        if (t instanceof ArrayCompr a) scanBody(f, a.body());
        else if (t instanceof SetCompr s) scanBody(f, s.body());
        else if (t instanceof ObjectCompr o) scanBody(f, o.body());
        else if (t instanceof Call call) call.args().forEach(x -> scanTerm(f, x));
        else if (t instanceof ArrayTerm a) a.items().forEach(x -> scanTerm(f, x));
    }

    /** The function a term names (user function "data.p.f" or builtin name), or null if it is a value. */
    private String functionKey(Fn f, Term t, boolean target) {
        String dotted = dottedName(t);
        if (dotted == null) return null;
        Group g = userFunction(f, new Call(t.pos(), dotted, List.of()));
        if (g != null) return g.name();
        if (dotted.startsWith("data.") || dotted.equals("input") || dotted.startsWith("input.")) return null;
        String head = dotted.split("\\.")[0];
        if (f.aliases.containsKey(head)) return null;
        if (f.module != null && resolvable(f, head) && !head.equals("input") && !head.equals("data")) return null;
        if (Builtins.get(dotted) != null || INLINE.contains(dotted)) return dotted;
        return target && dotted.contains(".") ? dotted : null;
    }

    private static String dottedName(Term t) {
        if (t instanceof Var v) return v.name();
        if (t instanceof Ref r && r.head() instanceof Var v) {
            StringBuilder b = new StringBuilder(v.name());
            for (Term p : r.path()) {
                String s = constString(p);
                if (s == null) return null;
                b.append('.').append(s);
            }
            return b.toString();
        }
        return null;
    }

    /** Leaves the builtin's result (0 = undefined) on the stack. */
    private void callHost(Code c, String name, int arity, int[] args) {
        Builtins.Builtin b = Builtins.get(name);
        usedBuiltins.put(name, Builtins.id(name));
        if (arity > 4) throw new IllegalStateException("builtin " + name + " takes more than 4 arguments");
        c.i32(Builtins.id(name)).i32(0);
        for (int i = 0; i < arity; i++) c.get(args[i]);
        c.call(builtinImports[b.arity()]);
    }

    // ================================================================== helpers emitted once
    private void defineMember() {
        // member(x, coll): x is an element (array/set) or a value (object) of coll
        Code c = new Code(I32, I32);
        int i = c.i32Local(), n = c.i32Local(), tag = c.i32Local();
        c.get(1).i32Load(0).set(tag);
        c.get(tag).i32(Layout.SET).op(I32_EQ).ifThen().get(1).get(0).call(rt.setHas).ret().end();
        c.get(tag).i32(Layout.ARRAY).op(I32_LT_U).ifThen().i32(0).ret().end();
        c.get(1).i32Load(4).set(n);
        Label exit = c.block();
        Label top = c.loop();
        c.get(i).get(n).op(I32_GE_U).brIf(exit);
        c.get(tag).i32(Layout.OBJECT).op(I32_EQ).ifResult(I32);
        c.get(1).i32Load(12).get(i).i32(3).op(I32_SHL).op(I32_ADD).i32Load(4);
        c.elseBranch();
        c.get(1).i32Load(12).get(i).i32(2).op(I32_SHL).op(I32_ADD).i32Load(0);
        c.end();
        c.get(0).call(rt.eq).ifThen().i32(1).ret().end();
        c.get(i).i32(1).op(I32_ADD).set(i).br(top);
        c.end().end();
        c.i32(0);
        m.define(memberFn, c);
    }

    /**
     * merge(a, b, depth, sets): a and b together, or 0 for a conflict. Equal values are one; at depth > 0 two objects
     * merge key by key one level down; at depth 0 two sets are their union when sets is 1. Neither input changes.
     */
    private void defineMerge() {
        Code c = new Code(I32, I32, I32, I32);
        int o = c.i32Local(), n = c.i32Local(), i = c.i32Local(), k = c.i32Local(), had = c.i32Local(), mv = c.i32Local();
        c.get(0).get(1).call(rt.eq).ifThen().get(0).ret().end();
        c.get(2).op(I32_EQZ).ifThen();
        c.get(3).get(0).i32Load(0).i32(Layout.SET).op(I32_EQ).op(I32_AND).get(1).i32Load(0).i32(Layout.SET).op(I32_EQ).op(I32_AND)
                .ifThen().get(0).get(1).call(setUnionFn).ret().end();
        c.i32(0).ret();
        c.end();
        c.get(0).i32Load(0).i32(Layout.OBJECT).op(I32_NE).get(1).i32Load(0).i32(Layout.OBJECT).op(I32_NE).op(I32_OR)
                .ifThen().i32(0).ret().end();
        c.get(0).call(copyObjFn).set(o);
        c.get(1).i32Load(4).set(n);
        Label exit = c.block();
        Label top = c.loop();
        c.get(i).get(n).op(I32_GE_U).brIf(exit);
        c.get(1).i32Load(12).get(i).i32(3).op(I32_SHL).op(I32_ADD).i32Load(0).set(k);
        c.get(1).i32Load(12).get(i).i32(3).op(I32_SHL).op(I32_ADD).i32Load(4).set(mv);
        c.get(o).get(k).call(rt.get).tee(had).ifThen();
        c.get(had).get(mv).get(2).i32(1).op(I32_SUB).get(3).call(mergeFn).tee(mv).op(I32_EQZ).ifThen().i32(0).ret().end();
        c.end();
        c.get(o).get(k).get(mv).call(rt.objInsert);
        c.get(i).i32(1).op(I32_ADD).set(i).br(top);
        c.end().end();
        c.get(o);
        m.define(mergeFn, c);
    }

    /** A new set holding the elements of both sets (neither is changed: they may be cached rule values). */
    private void defineSetUnion() {
        Code c = new Code(I32, I32);
        int u = c.i32Local(), n = c.i32Local(), i = c.i32Local();
        c.get(0).i32Load(4).set(n);
        c.get(n).get(1).i32Load(4).op(I32_ADD).i32(1).op(I32_ADD).call(rt.mkSet).set(u);
        c.get(u).i32Load(12).get(0).i32Load(12).get(n).i32(2).op(I32_SHL).memoryCopy();
        c.get(u).get(n).i32Store(4);
        c.get(1).i32Load(4).set(n);
        Label exit = c.block();
        Label top = c.loop();
        c.get(i).get(n).op(I32_GE_U).brIf(exit);
        c.get(u).get(1).i32Load(12).get(i).i32(2).op(I32_SHL).op(I32_ADD).i32Load(0).call(rt.setAdd);
        c.get(i).i32(1).op(I32_ADD).set(i).br(top);
        c.end().end();
        c.get(u);
        m.define(setUnionFn, c);
    }

    private void defineCopyObj() {
        Code c = new Code(I32);
        int o = c.i32Local(), n = c.i32Local(), i = c.i32Local();
        c.get(0).i32Load(4).set(n);
        c.get(n).i32(1).op(I32_ADD).call(rt.mkObj).set(o);
        c.get(o).i32Load(12).get(0).i32Load(12).get(n).i32(3).op(I32_SHL).memoryCopy();
        c.get(o).get(n).i32Store(4);
        c.get(o);
        m.define(copyObjFn, c);
    }
}
