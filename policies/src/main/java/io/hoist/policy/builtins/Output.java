package io.hoist.policy.builtins;

import io.hoist.policy.runtime.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code trace(note)} and {@code print(...)}: both are true and hand a line to the evaluating instance's output
 * sink (the test report of {@code hoist policy test}, the service log in the platform). {@code print} reaches
 * the host as {@code internal.print([{arg1}, {arg2}, ...])}: each argument is collected into a set first, so an
 * undefined argument prints {@code <undefined>} instead of making the call undefined, as in OPA.
 */
public final class Output {
    /** What a trace or print call returns to the host: the line to emit; the Wasm sees {@code true}. */
    public record Line(String text) {}

    private Output() {}

    static void register() {
        Builtins.define("trace", 1, a -> new Line(Builtins.str("trace", a, 0)));
        Builtins.define("internal.print", 1, a -> {
            List<String> parts = new ArrayList<>();
            for (Object arg : Builtins.arr("print", a, 0)) {
                Set<?> values = arg instanceof Set<?> s ? s : Set.of(arg);
                if (values.isEmpty()) {
                    parts.add("<undefined>");
                }
                for (Object v : values) {
                    parts.add(v instanceof String s ? s : Values.toRegoText(v));
                }
            }
            return new Line(String.join(" ", parts));
        });
    }
}
