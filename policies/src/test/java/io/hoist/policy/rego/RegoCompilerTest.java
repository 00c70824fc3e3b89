package io.hoist.policy.rego;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.policy.engine.Limits;
import io.hoist.policy.engine.PolicyEngine;
import io.hoist.policy.engine.PolicyEvaluationException;
import io.hoist.policy.engine.PolicyInstance;
import io.hoist.policy.rego.compile.CompiledPolicy;
import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import io.hoist.policy.rego.parse.RegoSyntaxException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rego text to Wasm to Chicory to result, on small policies covering the language features one by one. */
class RegoCompilerTest {
    private static String eval(String entrypoint, String input, String data, String... modules) {
        SourceFile[] files = new SourceFile[modules.length];
        for (int i = 0; i < modules.length; i++) files[i] = new SourceFile("m" + i + ".rego", modules[i]);
        CompiledPolicy p = RegoCompiler.compile(List.of(files), List.of(entrypoint));
        return PolicyEngine.load(p.wasm(), data, Limits.defaults()).evaluate(entrypoint, input);
    }

    @Test
    void wasmModuleHasOpaAbiMagicAndExports() {
        CompiledPolicy p = RegoCompiler.compile(List.of(new SourceFile("a.rego", "package a\np := 1")), List.of("a/p"));
        assertThat(p.wasm()).startsWith(0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00);
        assertThat(p.entrypoints()).containsEntry("a/p", 0);
        PolicyInstance inst = PolicyEngine.load(p.wasm(), "{}", Limits.defaults());
        assertThat(inst.entrypoints()).containsEntry("a/p", 0);
    }

    @Test
    void regoV1PartialSetsWithSprintfAndSomeIn() {
        String policy = """
                package migration
                import rego.v1

                deny contains msg if {
                    some d in input.vm.disks
                    d.size_gb > 1000
                    msg := sprintf("disk %s too large: %d GB", [d.name, d.size_gb])
                }
                """;
        assertThat(eval("migration/deny", "{\"vm\":{\"disks\":[{\"name\":\"a\",\"size_gb\":2000},{\"name\":\"b\",\"size_gb\":1}]}}", "{}", policy))
                .isEqualTo("[{\"result\":[\"disk a too large: 2000 GB\"]}]");
    }

    @Test
    void defaultElseFunctionsAndNot() {
        String policy = """
                package p
                default allow = false
                allow { input.user == "admin" }
                allow { not input.blocked; grade(input.score) == "high" }
                grade(s) = "high" { s >= 10 } else = "low"
                """;
        assertThat(eval("p/allow", "{\"user\":\"bob\",\"score\":12}", "{}", policy)).isEqualTo("[{\"result\":true}]");
        assertThat(eval("p/allow", "{\"user\":\"bob\",\"score\":2}", "{}", policy)).isEqualTo("[{\"result\":false}]");
        assertThat(eval("p/allow", "{\"user\":\"bob\",\"score\":12,\"blocked\":true}", "{}", policy)).isEqualTo("[{\"result\":false}]");
    }

    @Test
    void packageSpreadOverFilesWithBaseData() {
        String a = "package lib\nimport rego.v1\nadmins contains u if { some u, r in data.roles; r == \"admin\" }";
        String b = "package lib\nis_admin(u) if admins[u]";
        String c = "package main\nimport data.lib\nallow { lib.is_admin(input.user) }";
        String data = "{\"roles\":{\"alice\":\"admin\",\"bob\":\"user\"}}";
        assertThat(eval("main/allow", "{\"user\":\"alice\"}", data, a, b, c)).isEqualTo("[{\"result\":true}]");
        assertThat(eval("main/allow", "{\"user\":\"bob\"}", data, a, b, c)).isEqualTo("[]");
    }

    @Test
    void comprehensionsEveryAndObjects() {
        String policy = """
                package q
                import rego.v1
                names := {n | some vm in input.vms; n := vm.name}
                by_name[vm.name] := vm.cpus if { some vm in input.vms }
                all_small if { every vm in input.vms { vm.cpus <= 4 } }
                total := sum([c | some _, c in by_name])
                """;
        String input = "{\"vms\":[{\"name\":\"x\",\"cpus\":2},{\"name\":\"y\",\"cpus\":4}]}";
        assertThat(eval("q", input, "{}", policy))
                .isEqualTo("[{\"result\":{\"all_small\":true,\"by_name\":{\"x\":2,\"y\":4},\"names\":[\"x\",\"y\"],\"total\":6}}]");
    }

    @Test
    void withReplacesInputForOneExpression() {
        String policy = "package t\nallow { input.x == 1 }\ntest_allow { allow with input as {\"x\": 1} }";
        assertThat(eval("t/test_allow", "{\"x\":2}", "{}", policy)).isEqualTo("[{\"result\":true}]");
        assertThat(eval("t/allow", "{\"x\":2}", "{}", policy)).isEqualTo("[]");
    }

    @Test
    void expressionsAreReorderedSoVariablesAreBoundFirst() {
        String policy = """
                package r
                import rego.v1
                deny contains msg if {
                    msg := sprintf("vm %s has %d disks", [name, n])
                    n := count(disks)
                    name := input.vm.name
                    disks := input.vm.disks
                    n > 1
                }
                """;
        assertThat(eval("r/deny", "{\"vm\":{\"name\":\"a\",\"disks\":[1,2]}}", "{}", policy)).isEqualTo("[{\"result\":[\"vm a has 2 disks\"]}]");
        assertThat(eval("r/deny", "{\"vm\":{\"name\":\"a\",\"disks\":[1]}}", "{}", policy)).isEqualTo("[{\"result\":[]}]");
    }

    @Test
    void conflictingCompleteRuleIsAnEvaluationError() {
        String policy = "package c\np = 1 { true }\np = 2 { true }";
        assertThatThrownBy(() -> eval("c/p", null, "{}", policy))
                .isInstanceOfSatisfying(PolicyEvaluationException.class, e -> assertThat(e.code()).isEqualTo("eval_conflict_error"));
    }

    @Test
    void compileErrorsNameFileLineAndColumn() {
        assertThatThrownBy(() -> RegoCompiler.compile(List.of(new SourceFile("bad.rego", "package x\n\np { y == 1 }")), List.of("x/p")))
                .isInstanceOf(RegoSyntaxException.class).hasMessageContaining("bad.rego:3:5").hasMessageContaining("var y is unsafe");
        assertThatThrownBy(() -> RegoCompiler.compile(List.of(new SourceFile("syn.rego", "package x\np { 1 + }")), List.of("x/p")))
                .isInstanceOf(RegoSyntaxException.class).hasMessageContaining("syn.rego:2:");
        assertThatThrownBy(() -> RegoCompiler.compile(List.of(new SourceFile("f.rego", "package x\np { nosuch(1) }")), List.of("x/p")))
                .hasMessageContaining("f.rego:2:5").hasMessageContaining("undefined function nosuch");
    }
}
