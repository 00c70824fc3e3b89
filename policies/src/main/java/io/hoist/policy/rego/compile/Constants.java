package io.hoist.policy.rego.compile;

import io.hoist.policy.rego.ast.Ast.Term;

/** Ground Rego terms as values (null, Boolean, Double, String, List, Map, Set); null if not ground. */
public final class Constants {
    private Constants() {}

    public static Object of(Term t) { return CodeGen.constant(t); }
}
