package io.hoist.policy.rego;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.hoist.policy.engine.Limits;
import io.hoist.policy.engine.PolicyEngine;
import io.hoist.policy.engine.PolicyEvaluationException;
import io.hoist.policy.rego.compile.CompiledPolicy;
import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shapes of the generated code that the validation benchmark depends on (bench/validation). */
class CodeGenHotPathTest {
    /** A rule group as large as a full rule package: many rules adding to one set. */
    private static String manyRules(int n) {
        StringBuilder sb = new StringBuilder("package big\nimport rego.v1\n");
        for (int i = 0; i < n; i++) {
            sb.append("concerns contains flag if {\n  some d in input.disks\n  d.f").append(i).append(" == true\n")
                    .append("  flag := {\"id\": \"r").append(i).append("\", \"category\": \"Warning\", \"label\": sprintf(\"disk %v\", [d.file])}\n}\n");
        }
        return sb.toString();
    }

    @Test
    void everyRuleOfAGroupIsItsOwnFunctionSoNoneOutgrowsTheJit() {
        CompiledPolicy p = RegoCompiler.compile(List.of(new SourceFile("big.rego", manyRules(60))), List.of("big/concerns"));
        WasmModule module = Parser.parse(p.wasm());
        int largest = 0;
        for (int i = 0; i < module.codeSection().functionBodyCount(); i++) {
            largest = Math.max(largest, module.codeSection().getFunctionBody(i).instructions().size());
        }
        // HotSpot leaves a method over 8,000 bytecode bytes to its interpreter; Chicory emits several bytes per Wasm
        // instruction, and one function holding all 60 rules has over 5,000 instructions
        assertThat(largest).isLessThan(1500);
        String result = PolicyEngine.load(p.wasm(), "{}", Limits.defaults().withMode(Limits.Mode.AOT))
                .evaluate("big/concerns", "{\"disks\": [{\"file\": \"a\", \"f7\": true}, {\"file\": \"b\", \"f59\": true, \"f0\": true}]}");
        assertThat(result).isEqualTo("[{\"result\":[{\"category\":\"Warning\",\"id\":\"r0\",\"label\":\"disk b\"},"
                + "{\"category\":\"Warning\",\"id\":\"r59\",\"label\":\"disk b\"},{\"category\":\"Warning\",\"id\":\"r7\",\"label\":\"disk a\"}]}]");
    }

    @Test
    void startsAndEndsWithCompareStringsInWasm() {
        String policy = """
                package s
                import rego.v1
                r := [startswith(input.a, input.b), endswith(input.a, input.b)]
                """;
        CompiledPolicy p = RegoCompiler.compile(List.of(new SourceFile("s.rego", policy)), List.of("s/r"));
        for (Limits.Mode mode : Limits.Mode.values()) {
            var inst = PolicyEngine.load(p.wasm(), "{}", Limits.defaults().withMode(mode));
            assertThat(inst.evaluate("s/r", "{\"a\": \"independent_persistent\", \"b\": \"independent\"}")).isEqualTo("[{\"result\":[true,false]}]");
            assertThat(inst.evaluate("s/r", "{\"a\": \"disk-persistent\", \"b\": \"persistent\"}")).isEqualTo("[{\"result\":[false,true]}]");
            assertThat(inst.evaluate("s/r", "{\"a\": \"abc\", \"b\": \"abc\"}")).isEqualTo("[{\"result\":[true,true]}]");
            assertThat(inst.evaluate("s/r", "{\"a\": \"abc\", \"b\": \"\"}")).isEqualTo("[{\"result\":[true,true]}]");
            assertThat(inst.evaluate("s/r", "{\"a\": \"ab\", \"b\": \"abc\"}")).isEqualTo("[{\"result\":[false,false]}]");
            assertThat(inst.evaluate("s/r", "{\"a\": \"\", \"b\": \"x\"}")).isEqualTo("[{\"result\":[false,false]}]");
            assertThat(inst.evaluate("s/r", "{\"a\": \"ÉtéÉ\", \"b\": \"Ét\"}")).isEqualTo("[{\"result\":[true,false]}]");
            assertThat(inst.evaluate("s/r", "{\"a\": \"ÉtéÉ\", \"b\": \"éÉ\"}")).isEqualTo("[{\"result\":[false,true]}]");
            // a prefix that is a longer word sharing 8 bytes: the word-at-a-time comparison must still see the end
            assertThat(inst.evaluate("s/r", "{\"a\": \"VirtualUSBController\", \"b\": \"VirtualUSBXController\"}")).isEqualTo("[{\"result\":[false,false]}]");
            // not strings: OPA's type error, which is undefined unless builtin errors are strict
            assertThat(inst.evaluate("s/r", "{\"a\": 1, \"b\": \"x\"}")).isEqualTo("[]");
            var strict = PolicyEngine.load(p.wasm(), "{}", Limits.defaults().withMode(mode).withStrictBuiltinErrors(true));
            assertThatThrownBy(() -> strict.evaluate("s/r", "{\"a\": \"x\", \"b\": [\"x\"]}"))
                    .isInstanceOf(PolicyEvaluationException.class).hasMessageContaining("startswith");
        }
    }
}
