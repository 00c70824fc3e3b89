package io.hoist.policy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.policy.engine.Limits;
import io.hoist.policy.rego.compile.SourceFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** How "hoist policy test" reports rule tests (the rule packages themselves live in the plugins and are tested there). */
class RuleTestReportTest {
    @org.junit.jupiter.api.Test
    void aFailingTestIsReportedWithItsFileAndLine() {
        List<SourceFile> files = List.of(new SourceFile("x_test.rego", """
                package t
                import rego.v1
                answer := 41
                test_ok if answer == 41
                test_wrong if answer == 42
                test_error if 1 / 0 == 1
                """));
        RegoTestRunner.Report report = new RegoTestRunner(Limits.defaults()).run(files);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RegoTestRunner.print(report, new PrintStream(out, true), false);
        assertThat(report.passed()).isEqualTo(1);
        assertThat(report.failed()).isEqualTo(2);
        assertThat(out.toString()).contains("FAIL x_test.rego:5: t.test_wrong (undefined)").endsWith("1 passed, 2 failed\n");
    }

    /**
     * Policies of our own shaped like MTV's published ones (debug.rego with trace, multi-line sprintf with a
     * trailing comma, a negated regex over an absent field, several packages in one tree): all their tests pass,
     * as forklift's own do under "hoist policy test".
     */
    @org.junit.jupiter.api.Test
    void forkliftShapedPoliciesPass() throws Exception {
        Path dir = Path.of(getClass().getResource("forklift-shaped").toURI());
        RegoTestRunner.Report report = new RegoTestRunner(Limits.defaults().withTimeBudget(java.time.Duration.ofSeconds(10))).run(dir);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RegoTestRunner.print(report, new PrintStream(out, true), true);
        assertThat(report.results()).as(out.toString()).hasSize(8);
        assertThat(report.failed()).as(out.toString()).isZero();
        // print and trace lines reach the report, under the test that wrote them
        assertThat(out.toString()).contains("test_debug_traces\n    ** debug ** vm name: t")
                .containsPattern("test_with_unsupported_bus\n    concerns: \\{\\{\"category\": \"Warning\"");
    }

    @org.junit.jupiter.api.Test
    void printShowsUndefinedArguments() {
        List<SourceFile> files = List.of(new SourceFile("p_test.rego", """
                package t
                import rego.v1
                test_print if print("x", input.missing, {1}, set(), 2.5)
                """));
        RegoTestRunner.Report report = new RegoTestRunner(Limits.defaults()).run(files);
        assertThat(report.failed()).isZero();
        assertThat(report.results().get(0).output()).containsExactly("x <undefined> {1} set() 2.5");
    }
}
