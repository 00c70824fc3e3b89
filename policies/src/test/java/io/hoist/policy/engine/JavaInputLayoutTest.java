package io.hoist.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import io.hoist.policy.runtime.Values;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Inputs given as Java maps (the validation service's path) are laid into memory through cached object shapes:
 * lookups must find every key whatever the map's order, maps that share a shape slot (same size, same first
 * key) must not borrow each other's key order, and nothing of one evaluation may leak into the next.
 */
class JavaInputLayoutTest {
    private static final String POLICY = """
            package m
            import rego.v1
            echo := input
            keys := [k | some k, _ in input]
            got := {k: input[k] | some k in input.ask}
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PolicyInstance p = PolicyEngine.load(RegoCompiler.compile(List.of(new SourceFile("m.rego", POLICY)),
            List.of("m/echo", "m/keys", "m/got")).wasm(), "{}", Limits.defaults());

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private JsonNode eval(String ep, Object input) {
        return p.evaluateResultOf(ep, input);
    }

    /** Same value in OPA's terms (numbers by value, objects by keys), whatever Jackson node classes carry it. */
    private static void assertSame(JsonNode actual, String expectedJson) {
        assertThat(Values.equal(Values.parseJson(actual.toString()), Values.parseJson(expectedJson)))
                .as("%s equals %s", actual, expectedJson).isTrue();
    }

    @Test
    void everyKeyIsFoundWhateverTheMapOrder() throws Exception {
        Map<String, Object> vm = map("zeta", 1, "alpha", "x", "émoji", true, "Mid", List.of(map("b", 2, "a", 1)),
                "ask", List.of("zeta", "alpha", "émoji", "Mid", "absent"));
        assertSame(eval("m/echo", vm), JSON.writeValueAsString(vm));
        // OPA's key order: UTF-8 bytes ("M" < "a" < "z" < "é")
        assertThat(eval("m/keys", vm).toString()).isEqualTo("[\"Mid\",\"alpha\",\"ask\",\"zeta\",\"émoji\"]");
        assertSame(eval("m/got", vm), "{\"zeta\":1,\"alpha\":\"x\",\"émoji\":true,\"Mid\":[{\"a\":1,\"b\":2}]}");
    }

    @Test
    void mapsSharingAShapeSlotKeepTheirOwnKeys() throws Exception {
        // same size and first key: the same slot of the shape cache, different keys after the first
        Map<String, Object> first = map("name", "a", "beta", 1, "gamma", 2, "ask", List.of("beta", "gamma", "omega"));
        Map<String, Object> second = map("name", "b", "omega", 3, "alpha", 4, "ask", List.of("beta", "alpha", "omega"));
        Map<String, Object> reordered = map("name", "c", "ask", List.of("gamma", "beta"), "gamma", 5, "beta", 6);
        for (int round = 0; round < 3; round++) {
            assertSame(eval("m/got", first), "{\"beta\":1,\"gamma\":2}");
            assertSame(eval("m/got", second), "{\"alpha\":4,\"omega\":3}");
            assertSame(eval("m/got", reordered), "{\"beta\":6,\"gamma\":5}");
        }
    }

    @Test
    void nothingLeaksFromOneEvaluationIntoTheNext() throws Exception {
        // a number beyond float64 carries its exact text; the next document's plain numbers must not inherit it
        Map<String, Object> big = map("n", new BigDecimal("123456789012345678901234567890"), "s", "a long string value");
        assertThat(eval("m/echo", big).get("n").toString()).isEqualTo("123456789012345678901234567890");
        Map<String, Object> plain = map("n", 1.5, "s", "b");
        assertSame(eval("m/echo", plain), "{\"n\":1.5,\"s\":\"b\"}");
        // a map whose later key is not a string is laid out again in OPA's order; what was laid out first is dropped
        Map<Object, Object> mixed = new LinkedHashMap<>();
        mixed.put("text", "a value long enough to need several words");
        mixed.put(7, 2.5);
        JsonNode echoed = eval("m/echo", Map.of("mixed", mixed, "after", 3.25));
        assertThat(echoed.toString()).isEqualTo("{\"after\":3.25,\"mixed\":{\"7\":2.5,\"text\":\"a value long enough to need several words\"}}");
    }

    /** JSON text goes through the same shapes; a name given twice keeps its last value, as OPA reads JSON. */
    @Test
    void jsonTextSharesShapesAndKeepsTheLastOfARepeatedName() {
        String first = "{\"name\":\"a\",\"beta\":1,\"gamma\":{\"y\":1,\"x\":2},\"ask\":[\"beta\",\"gamma\",\"omega\"]}";
        String second = "{\"name\":\"b\",\"omega\":3,\"alpha\":4,\"ask\":[\"beta\",\"alpha\",\"omega\"]}";
        String repeated = "{\"name\":\"c\",\"beta\":1,\"beta\":2,\"ask\":[\"beta\"]}";
        for (int round = 0; round < 3; round++) {
            assertSame(p.evaluateResult("m/got", first), "{\"beta\":1,\"gamma\":{\"x\":2,\"y\":1}}");
            assertSame(p.evaluateResult("m/got", second), "{\"alpha\":4,\"omega\":3}");
            assertSame(p.evaluateResult("m/got", repeated), "{\"beta\":2}");
            assertThat(p.evaluateResult("m/keys", repeated).toString()).isEqualTo("[\"ask\",\"beta\",\"name\"]");
            // the Java map path over the same shapes
            assertSame(eval("m/got", map("name", "d", "beta", 5, "gamma", 6, "ask", List.of("gamma"))), "{\"gamma\":6}");
        }
    }
}
