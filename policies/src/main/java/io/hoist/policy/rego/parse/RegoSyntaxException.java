package io.hoist.policy.rego.parse;

import io.hoist.policy.rego.ast.Ast.Pos;

/** A parse or compile error naming file, line and column. */
public class RegoSyntaxException extends RuntimeException {
    private final transient Pos pos;

    public RegoSyntaxException(Pos pos, String message) {
        super(pos + ": " + message);
        this.pos = pos;
    }

    public Pos pos() { return pos; }
}
