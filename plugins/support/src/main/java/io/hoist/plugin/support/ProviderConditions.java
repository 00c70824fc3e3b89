package io.hoist.plugin.support;

import io.hoist.api.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * The conditions every source provider reports in the same words: its static checks (UrlNotValid, SecretNotValid)
 * and its connection test's ConnectionTestSucceeded False.
 */
public final class ProviderConditions {
    private static final String TEST = "ConnectionTestSucceeded";

    private ProviderConditions() {}

    /** UrlNotValid naming spec.url, or nothing when {@code problem} is null. */
    public static List<Condition> urlNotValid(String problem) {
        return problem == null ? List.of()
                : List.of(Condition.isTrue("UrlNotValid", "Malformed", Condition.Category.Critical, "spec.url " + problem));
    }

    /** One SecretNotValid joining the Secret's problems, or nothing when there are none. */
    public static List<Condition> secretNotValid(List<String> problems) {
        return problems.isEmpty() ? List.of()
                : List.of(Condition.isTrue("SecretNotValid", "Malformed", Condition.Category.Critical,
                        "Secret " + String.join("; ", problems)));
    }

    /**
     * A connection test that did not connect because the static checks failed: ConnectionTestSucceeded False with
     * the first problem's type and words, then the problems themselves.
     */
    public static List<Condition> testNotRun(List<Condition> problems) {
        Condition first = problems.getFirst();
        List<Condition> out = new ArrayList<>();
        out.add(new Condition(TEST, "False", first.type(), Condition.Category.Critical, first.message()));
        out.addAll(problems);
        return out;
    }

    /** A connection test that failed: ConnectionTestSucceeded False for {@code reason}, and the reason as its own condition. */
    public static List<Condition> testFailed(String reason, String message) {
        return List.of(new Condition(TEST, "False", reason, Condition.Category.Critical, message),
                Condition.isTrue(reason, reason, Condition.Category.Critical, message));
    }

    /** For a provider's config parser: refuses a Provider its static checks fault, with the first fault's words. */
    public static void requireNone(List<Condition> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.getFirst().message());
        }
    }
}
