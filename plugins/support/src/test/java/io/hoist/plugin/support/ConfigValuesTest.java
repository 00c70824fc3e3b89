package io.hoist.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigValuesTest {
    @Test
    void blankMeansUnset() {
        assertThat(ConfigValues.blank(null)).isTrue();
        assertThat(ConfigValues.blank(" \t")).isTrue();
        assertThat(ConfigValues.blank(" x ")).isFalse();
        assertThat(ConfigValues.nullIfBlank("  ")).isNull();
        assertThat(ConfigValues.nullIfBlank(" admin ")).isEqualTo("admin");
    }
}
