package io.hoist.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Fuel, time and memory bounds fail one evaluation with a clear error; the instance keeps serving. */
class SandboxTest {
    private static final String POLICY = """
            package s
            import rego.v1
            ok := input.x + 1
            # a billion iterations: never finishes within any sane budget
            spin := count([1 | some a in numbers.range(1, 1000); some b in numbers.range(1, 1000); some c in numbers.range(1, 1000)])
            # every step doubles the data: allocates without bound
            hog := count([s | some i in numbers.range(1, 1000000); s := [i, i, i, i, i, i, i, i]])
            """;

    private static PolicyInstance load(Limits limits) {
        byte[] wasm = RegoCompiler.compile(List.of(new SourceFile("s.rego", POLICY)), List.of("s/ok", "s/spin", "s/hog")).wasm();
        return PolicyEngine.load(wasm, "{}", limits);
    }

    @Test
    void fuelStopsRunawayLoopAndInstanceRecovers() {
        PolicyInstance p = load(Limits.defaults().withFuel(100_000).withTimeBudget(Duration.ofSeconds(30)));
        assertThatThrownBy(() -> p.evaluate("s/spin", "{}"))
                .isInstanceOfSatisfying(PolicyEvaluationException.class, e -> assertThat(e.code()).isEqualTo("fuel_exhausted"))
                .hasMessageContaining("fuel");
        assertThat(p.evaluate("s/ok", "{\"x\":41}")).isEqualTo("[{\"result\":42}]");
    }

    @ParameterizedTest
    @EnumSource(Limits.Mode.class)
    void timeBudgetInterruptsEvaluation(Limits.Mode mode) {
        PolicyInstance p = load(Limits.defaults().withMode(mode).withFuel(Long.MAX_VALUE).withTimeBudget(Duration.ofMillis(200)));
        assertThatThrownBy(() -> p.evaluate("s/spin", "{}"))
                .isInstanceOfSatisfying(PolicyEvaluationException.class, e -> assertThat(e.code()).isEqualTo("time_limit_exceeded"))
                .hasMessageContaining("time budget of 200 ms");
        assertThat(p.evaluate("s/ok", "{\"x\":1}")).isEqualTo("[{\"result\":2}]");
    }

    @Test
    void memoryCapStopsUnboundedAllocation() {
        PolicyInstance p = load(Limits.defaults().withMaxMemoryPages(64).withTimeBudget(Duration.ofSeconds(30)));
        assertThatThrownBy(() -> p.evaluate("s/hog", "{}"))
                .isInstanceOfSatisfying(PolicyEvaluationException.class, e -> assertThat(e.code()).isEqualTo("memory_limit_error"))
                .hasMessageContaining("memory cap");
        assertThat(p.evaluate("s/ok", "{\"x\":1}")).isEqualTo("[{\"result\":2}]");
    }

    @Test
    void opaBuiltModuleIsStoppedByTheTimeBudgetToo() throws Exception {
        // OPA's modules do not count fuel; an already-expired budget must interrupt them as well
        PolicyInstance p = PolicyEngine.load(OpaBundleTest.demoPolicyWasm(), "{\"role\":{}}",
                Limits.defaults().withTimeBudget(Duration.ofNanos(1)));
        assertThatThrownBy(() -> {
            for (int i = 0; i < 10_000; i++) p.evaluate("opa/wasm/test/allowed", "{\"user\":\"x\"}");
        }).isInstanceOfSatisfying(PolicyEvaluationException.class, e -> assertThat(e.code()).isEqualTo("time_limit_exceeded"));
    }

    @Test
    void limitsRejectNonsense() {
        assertThatThrownBy(() -> Limits.defaults().withFuel(0)).hasMessageContaining("fuel");
        assertThatThrownBy(() -> Limits.defaults().withMaxMemoryPages(1)).hasMessageContaining("maxMemoryPages");
        assertThatThrownBy(() -> Limits.defaults().withTimeBudget(Duration.ZERO)).hasMessageContaining("timeBudget");
    }

    /**
     * Issue 24: a backtracking engine needs minutes for (.*a){12}x against 30 a's and cannot be interrupted, so
     * the time budget did not hold. The regex builtins and glob.match are linear-time now: every call answers
     * at once, far inside a 1 s budget, on an instance that keeps serving.
     */
    @ParameterizedTest
    @EnumSource(Limits.Mode.class)
    void hostileRegexesAnswerWithinTheBudget(Limits.Mode mode) {
        String policy = """
                package r
                import rego.v1
                m := regex.match(`(.*a){12}x`, input.s)
                f := regex.find_n(`(a|aa)+x`, input.s, -1)
                sub := regex.find_all_string_submatch_n(`(.*a){12}x`, input.s, -1)
                rep := regex.replace(input.s, `(a*)*x`, "y")
                spl := regex.split(`(a|a)*x`, input.s)
                g := glob.match("*a*a*a*a*a*a*a*a*a*a*a*a*b", [], input.s)
                """;
        byte[] wasm = RegoCompiler.compile(List.of(new SourceFile("r.rego", policy)), List.of("r/m", "r/f", "r/sub", "r/rep", "r/spl", "r/g")).wasm();
        // A budget far above a linear-time answer (milliseconds) and far below the backtracking engine's minutes:
        // the first call also pays class loading and, in AOT mode, compilation, which a loaded CI machine stretches.
        PolicyInstance p = PolicyEngine.load(wasm, "{}", Limits.defaults().withMode(mode).withTimeBudget(Duration.ofSeconds(15)));
        String input = "{\"s\":\"" + "a".repeat(30) + "\"}";
        long start = System.nanoTime();
        assertThat(p.evaluate("r/m", input)).isEqualTo("[{\"result\":false}]");
        assertThat(p.evaluate("r/f", input)).isEqualTo("[{\"result\":[]}]");
        assertThat(p.evaluate("r/sub", input)).isEqualTo("[{\"result\":[]}]");
        assertThat(p.evaluate("r/rep", input)).isEqualTo("[{\"result\":\"" + "a".repeat(30) + "\"}]");
        assertThat(p.evaluate("r/spl", input)).isEqualTo("[{\"result\":[\"" + "a".repeat(30) + "\"]}]");
        assertThat(p.evaluate("r/g", input)).isEqualTo("[{\"result\":false}]");
        // generous for a loaded machine; the backtracking engine took minutes for the first of these alone
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void regexSyntaxIsGosRe2() {
        String policy = """
                package r
                import rego.v1
                named := regex.find_all_string_submatch_n(`(?P<k>[a-z]+)=(?P<v>\\d+)`, "a=1 b=2", -1)
                bad := regex.is_valid(`a(?=b)`)
                """;
        byte[] wasm = RegoCompiler.compile(List.of(new SourceFile("r.rego", policy)), List.of("r/named", "r/bad")).wasm();
        PolicyInstance p = PolicyEngine.load(wasm, "{}", Limits.defaults());
        assertThat(p.evaluate("r/named", null)).isEqualTo("[{\"result\":[[\"a=1\",\"a\",\"1\"],[\"b=2\",\"b\",\"2\"]]}]");
        // look-ahead is not RE2 (OPA refuses it too)
        assertThat(p.evaluate("r/bad", null)).isEqualTo("[{\"result\":false}]");
    }
}
