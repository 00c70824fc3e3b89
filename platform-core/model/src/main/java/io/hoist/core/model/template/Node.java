package io.hoist.core.model.template;

import java.util.List;

/** The parse tree of a template. */
sealed interface Node {
    record Text(String text) implements Node { }

    record Action(int line, Pipeline pipeline) implements Node { }

    /** {@code if}, {@code with} (dot becomes the value) or {@code range}; {@code elseList} may be empty. */
    record Branch(int line, String keyword, Pipeline pipeline, List<Node> list, List<Node> elseList) implements Node { }

    /** {@code $x := pipeline} declarations (or {@code =} assignments) followed by commands joined by |. */
    record Pipeline(int line, List<String> variables, boolean declare, List<Command> commands) { }

    record Command(List<Operand> operands) { }

    sealed interface Operand { }

    /** {@code .} */
    record Dot() implements Operand { }

    /** {@code .A.B} */
    record Field(List<String> path) implements Operand { }

    /** {@code $x.A.B}; {@code $} alone is the root data. */
    record Variable(String name, List<String> path) implements Operand { }

    /** A function name. */
    record Identifier(String name) implements Operand { }

    /** A constant: String, Long, Double, Boolean or null (nil). */
    record Literal(Object value) implements Operand { }

    /** {@code (pipeline).A.B} */
    record Sub(Pipeline pipeline, List<String> path) implements Operand { }
}
