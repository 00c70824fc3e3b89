package io.hoist.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the OPA-built demo-policy.wasm (from com.styra.opa:opa-java-wasm; its source is "allowed if
 * data.role[input.user] == admin") wrapped into a bundle laid out as opa build does, in both execution modes,
 * and checks our compiler's module for the same Rego gives the same answers.
 */
class OpaBundleTest {
    private static final String DATA = "{\"role\":{\"alice\":\"admin\",\"bob\":\"user\"}}";
    private static final String SOURCE = """
            package opa.wasm.test
            default allowed = false
            allowed {
                user := input.user
                data.role[user] == "admin"
            }
            """;

    static byte[] demoPolicyWasm() throws Exception {
        try (InputStream in = OpaBundleTest.class.getClassLoader().getResourceAsStream("demo-policy.wasm")) {
            if (in == null) throw new IllegalStateException("demo-policy.wasm not on the test classpath (com.styra.opa:opa-java-wasm)");
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @EnumSource(Limits.Mode.class)
    void opaBuiltBundleAnswersLikeOurCompiledModule(Limits.Mode mode) throws Exception {
        Limits limits = Limits.defaults().withMode(mode);
        byte[] bundle = new Bundle(demoPolicyWasm(), DATA, "{\"revision\":\"\",\"roots\":[\"\"]}").write();
        PolicyInstance opa = PolicyEngine.loadBundle(bundle, limits);
        PolicyInstance ours = PolicyEngine.load(
                RegoCompiler.compile(List.of(new SourceFile("demo.rego", SOURCE)), List.of("opa/wasm/test/allowed")).wasm(), DATA, limits);

        assertThat(opa.entrypoints()).containsKey("opa/wasm/test/allowed");
        for (String user : List.of("alice", "bob", "mallory")) {
            String input = "{\"user\":\"" + user + "\"}";
            String expected = "[{\"result\":" + user.equals("alice") + "}]";
            assertThat(opa.evaluate("opa/wasm/test/allowed", input)).as("OPA module, user %s", user).isEqualTo(expected);
            assertThat(ours.evaluate("opa/wasm/test/allowed", input)).as("our module, user %s", user).isEqualTo(expected);
        }
    }
}
