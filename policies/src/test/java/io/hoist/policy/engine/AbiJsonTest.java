package io.hoist.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import io.hoist.policy.runtime.Values;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The module's own JSON parser and printer (opa_json_parse / opa_json_dump, used by opa_eval) against the
 * host-side path: same values for escapes, unicode, numbers, nesting, sets and non-string keys.
 */
class AbiJsonTest {
    private static final String POLICY = """
            package j
            import rego.v1
            echo := input
            shape := {"set": {3, 1, 2}, "arr": [input.s, count(input.s)], "num": input.n * 2, "frac": input.f + 0.25}
            keys := {1: "one", [1, 2]: "pair"}
            """;

    private static final String INPUT = "{\"s\":\"t\\u00e9st \\\"q\\\" \\\\ \\n \\ud83d\\ude00 \\u0001\",\"n\":-12.5e1,"
            + "\"f\":0.5,\"nested\":{\"b\":[true,false,null,[]],\"a\":{}},\"big\":123456789012}";

    @Test
    void wasmJsonPathMatchesHostPath() {
        byte[] wasm = RegoCompiler.compile(List.of(new SourceFile("j.rego", POLICY)), List.of("j/echo", "j/shape", "j/keys")).wasm();
        PolicyInstance p = PolicyEngine.load(wasm, "{\"x\":[1,2]}", Limits.defaults());
        for (String ep : List.of("j/echo", "j/shape", "j/keys")) {
            String viaWasm = p.evaluateThroughOpaEval(ep, INPUT);
            String viaHost = p.evaluate(ep, INPUT);
            assertThat(Values.equal(Values.parseJson(viaWasm), Values.parseJson(viaHost))).as("%s: %s vs %s", ep, viaWasm, viaHost).isTrue();
        }
        assertThat(Values.parseJson(p.evaluateThroughOpaEval("j/echo", INPUT))).isEqualTo(Values.parseJson("[{\"result\":" + INPUT + "}]"));
        assertThat(p.evaluateThroughOpaEval("j/shape", INPUT)).contains("\"set\":[1,2,3]").contains("\"num\":-250").contains("\"frac\":0.75");
        assertThat(p.evaluateThroughOpaEval("j/keys", INPUT)).isEqualTo("[{\"result\":{\"1\":\"one\",\"[1,2]\":\"pair\"}}]");
    }
}
