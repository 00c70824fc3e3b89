package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** "hoist policy test DIR" over the shipped vmware rule set and over a folder with a failing test. */
class PolicyTestCommandTest {
    private static String run(Path dir, int[] code) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            code[0] = new CommandLine(new PolicyCommand()).execute("test", dir.toString());
        } finally {
            System.setOut(saved);
        }
        return out.toString();
    }

    @Test
    void defaultVmwareRulesPass() {
        int[] code = new int[1];
        String out = run(Path.of("../../plugins/vsphere/src/main/resources/rules/vmware"), code);
        assertThat(out).matches("(?s)\\d+ passed, 0 failed\\n");
        assertThat(code[0]).isZero();
    }

    @Test
    void aFailingTestIsNamedAndCounted(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("size.rego"), "package t\nimport rego.v1\nbig if input.n > 3\n");
        Files.writeString(dir.resolve("size_test.rego"), """
                package t
                import rego.v1
                test_big if big with input as {"n": 4}
                test_small_is_big if big with input as {"n": 1}
                """);
        int[] code = new int[1];
        String out = run(dir, code);
        assertThat(out).isEqualTo("FAIL size_test.rego:4: t.test_small_is_big (undefined)\n1 passed, 1 failed\n");
        assertThat(code[0]).isEqualTo(1);
    }
}
