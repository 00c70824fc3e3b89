package io.hoist.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.UnknownCustomSection;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import io.hoist.policy.runtime.LayoutWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The input is laid out only as far as the rules can read it: the compiler records the constant reference paths
 * into input (a custom section), the host drops the rest of an input object. Results must not change.
 */
class InputPruningTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = """
            package p
            import rego.v1
            import input.e.f as alias
            drs := input.host.cluster.drsEnabled
            sizes := [s | some d in input.disks; s := d.size]
            named := input["name"]
            aliased := alias.g
            missing := input.host.nothere
            """;

    private static byte[] wasm(String policy, String... entrypoints) {
        return RegoCompiler.compile(List.of(new SourceFile("p.rego", policy)), List.of(entrypoints)).wasm();
    }

    private static String section(byte[] wasm) {
        return Parser.parse(wasm).customSection(RegoCompiler.INPUT_KEYS_SECTION) instanceof UnknownCustomSection s
                ? new String(s.bytes(), StandardCharsets.UTF_8) : null;
    }

    @Test
    void theSectionListsTheConstantPathsIntoInput() throws Exception {
        JsonNode tree = JSON.readTree(section(wasm(POLICY, "p/drs")));
        // written from the policy above: a path that goes on with a variable (disks[_] through `some in`) or stops
        // keeps everything below it
        assertThat(tree).isEqualTo(JSON.readTree("""
                {"host": {"cluster": {"drsEnabled": true}, "nothere": true}, "disks": true, "name": true,
                 "e": {"f": true}}"""));
    }

    @Test
    void anyOtherUseOfInputMeansTheWholeInput() {
        for (String body : List.of("x := input", "x := input[k]", "x := [n | walk(input, n)]", "x := object.keys(input)",
                "x := 1 if { input.a == 1 } \nx2 := y if { y := 2 with input as {} }", "x := y if { some k; y := input[k] }")) {
            String policy = "package p\nimport rego.v1\n" + body + "\n";
            assertThat(section(wasm(policy, "p/x"))).as(body).isNull();
        }
        assertThat(section(wasm("package p\nimport rego.v1\nimport input\nx := input.a\n", "p/x"))).as("import input").isNull();
    }

    @Test
    void resultsAreTheSameWithAndWithoutPruning() throws Exception {
        String input = """
                {"name": "vm-1", "unread": {"deep": [1, 2, {"x": "y"}]}, "e": {"f": {"g": 7, "h": 8}, "other": 1},
                 "host": {"id": "h1", "cluster": {"drsEnabled": true, "name": "c1", "hosts": [1, 2]}, "vms": [{"a": 1}]},
                 "disks": [{"size": 10, "file": "a"}, {"size": 20, "file": "b"}]}""";
        byte[] w = wasm(POLICY, "p/drs", "p/sizes", "p/named", "p/aliased", "p/missing");
        PolicyInstance p = PolicyEngine.load(w, "{}", Limits.defaults());
        @SuppressWarnings("unchecked")
        Map<String, Object> asMap = JSON.readValue(input, LinkedHashMap.class);
        for (String ep : List.of("p/drs", "p/sizes", "p/named", "p/aliased", "p/missing")) {
            JsonNode whole = JSON.readTree(p.evaluateThroughOpaEval(ep, input)); // the module's own parser: no pruning
            assertThat(JSON.readTree(p.evaluate(ep, input))).as(ep + " from JSON text").isEqualTo(whole);
            JsonNode fromMap = p.evaluateResultOf(ep, asMap);
            // compared as text: the map path's numbers are doubles in Jackson's tree, the parsed ones ints
            String viaMap = fromMap == null ? "[]" : "[{\"result\":" + fromMap + "}]";
            assertThat(JSON.readTree(viaMap)).as(ep + " from a map").isEqualTo(whole);
        }
        assertThat(JSON.readTree(p.evaluate("p/sizes", input)).get(0).get("result")).isEqualTo(JSON.readTree("[10, 20]"));
        assertThat(JSON.readTree(p.evaluate("p/missing", input))).as("undefined stays undefined").isEmpty();
    }

    @Test
    void onlyKeysKeepsTheTreeAndMalformedJsonInASkippedMemberIsStillRefused() throws Exception {
        Map<String, Object> keep = Map.of("a", Map.of("b", true), "c", true);
        Object doc = JSON.readValue("{\"a\": {\"b\": {\"z\": 1}, \"x\": 2}, \"c\": [1], \"d\": 3}", LinkedHashMap.class);
        assertThat((JsonNode) JSON.valueToTree(LayoutWriter.onlyKeys((Map<?, ?>) doc, keep)))
                .isEqualTo(JSON.readTree("{\"a\": {\"b\": {\"z\": 1}}, \"c\": [1]}"));
        PolicyInstance p = PolicyEngine.load(wasm(POLICY, "p/drs"), "{}", Limits.defaults());
        assertThatThrownBy(() -> p.evaluate("p/drs", "{\"host\": {\"cluster\": {\"drsEnabled\": true}}, \"unread\": [1, }"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input");
    }
}
