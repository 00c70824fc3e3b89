package io.hoist.core.model.template;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile name templates (issue 24 item 1): each fails fast with an error naming the limit, and nothing huge is made. */
class TemplateBudgetTest {
    private static final Map<String, Object> DATA = NameTemplates.sampleData(NameTemplates.Kind.PVC);

    private static String renderError(String template) {
        long start = System.nanoTime();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> GoTemplate.parse("pvcNameTemplate", template).render(DATA));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(t).as("render of %s", template).isInstanceOf(TemplateException.class);
        // generous: the budget is 1 s; without the limits these take minutes or gigabytes
        assertThat(ms).as("render time").isLessThan(10_000);
        assertThat(t.getMessage().length()).as("message length").isLessThanOrEqualTo(600);
        return t.getMessage();
    }

    @Test
    void rangeOverAHugeRepeatIsRefusedBeforeAllocating() {
        assertThat(renderError("{{ range $i, $e := (repeat 30000000 \"a\") }}{{ end }}x"))
                .contains("pvcNameTemplate").contains("repeat").contains("4096");
    }

    @Test
    void rangeOverAHugeCountRunsOutOfSteps() {
        assertThat(renderError("{{ range 30000000 }}{{ end }}x")).contains("10000 evaluation steps");
    }

    @Test
    void hugePrintfWidthIsRefused() {
        assertThat(renderError("{{ printf \"%0999999999d\" 1 }}")).contains("printf").contains("999999999").contains("4096");
        assertThat(renderError("{{ printf \"%.99999999999f\" 1.5 }}")).contains("printf").contains("4096");
        assertThat(renderError("{{ printf \"%4000d%4000d\" 1 2 }}")).contains("printf").contains("4096");
    }

    @Test
    void catastrophicRegexMatchesInLinearTime() {
        String input = "a".repeat(4000);
        long start = System.nanoTime();
        String out = GoTemplate.parse("{{ regexMatch \"(.*a){12}x\" .S }}").render(Map.of("S", input));
        assertThat(out).isEqualTo("false");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
        assertThat(GoTemplate.parse("{{ regexReplaceAll \"(a+)+$\" .S \"b\" }}").render(Map.of("S", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")))
                .isEqualTo("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!");
    }

    @Test
    void growingFunctionsAreCappedBeforeTheyAllocate() {
        assertThat(renderError("{{ replace \"\" (repeat 4000 \"b\") (repeat 4000 \"a\") }}")).contains("replace").contains("4096");
        assertThat(renderError("{{ regexReplaceAll \"\" (repeat 100 \"a\") (repeat 100 \"b\") }}")).contains("regexReplaceAll");
        assertThat(renderError("{{ $s := repeat 4000 \"a\" }}{{ print $s $s }}")).contains("4096");
    }

    @Test
    void outputIsCapped() {
        assertThat(renderError("{{ $s := repeat 4000 \"a\" }}{{ $s }}{{ $s }}")).contains("output longer than 4096");
        assertThat(renderError("{{ range 5000 }}ab{{ end }}")).contains("4096");
    }

    @Test
    void invalidPatternIsAClearErrorInGoSyntax() {
        assertThat(renderError("{{ regexMatch \"(a\" \"a\" }}")).contains("regexMatch").contains("missing closing )");
        // Go's RE2 has no backreferences; neither do we
        assertThat(renderError("{{ regexMatch \"(a)\\\\1\" \"aa\" }}")).contains("regexMatch");
    }

    @Test
    void rendersNamesAsBefore() {
        assertThat(GoTemplate.parse("{{ regexReplaceAll \"(?P<n>[a-z]+)-(\\\\d+)\" .S \"${n}_$2\" }}").render(Map.of("S", "disk-12")))
                .isEqualTo("disk_12");
        assertThat(GoTemplate.parse("{{ range 3 }}{{ . }}{{ end }}").render(Map.of())).isEqualTo("012");
        assertThat(GoTemplate.parse("{{ printf \"%04d\" 7 }}").render(Map.of())).isEqualTo("0007");
        assertThat(GoTemplate.parse("{{ repeat 3 \"ab\" }}").render(Map.of())).isEqualTo("ababab");
    }

    @Test
    void problemsForAVmEchoAShortenedName() {
        GoTemplate t = GoTemplate.parse("pvcNameTemplate", "{{ repeat 4000 \"a\" }}");
        NameTemplates.Result r = NameTemplates.renderName(t, DATA);
        assertThat(r.ok()).isFalse();
        assertThat(r.problem().orElseThrow()).contains("more characters").hasSizeLessThan(300);
    }
}
