package io.hoist.testkit.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.validation.ShipsValidationRules;
import io.hoist.api.validation.ValidationRules;
import io.hoist.policy.testing.RulePackageCheck;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The rule package a provider plugin ships, checked from the plugin's own tests: it is MTV's package
 * {@code expectedPackage}, the files it declares are exactly its folder's under {@code src/main/resources}, it
 * compiles, answers, and its own {@code _test.rego} tests pass. A plugin runs it with one subclass whose
 * constructor names its factory and package; the plugin's test class path needs {@code hoist-policies}
 * (optional here, so other testkit users do not carry the Rego compiler).
 */
public abstract class ShippedValidationRulesContractTest {
    private final ShipsValidationRules plugin;
    private final String expectedPackage;

    protected ShippedValidationRulesContractTest(ShipsValidationRules plugin, String expectedPackage) {
        this.plugin = plugin;
        this.expectedPackage = expectedPackage;
    }

    @Test
    void shippedPackageIsCompleteAndItsTestsPass() throws Exception {
        ValidationRules rules = plugin.validationRules();
        assertThat(rules.packageName()).isEqualTo(expectedPackage);
        String report = RulePackageCheck.check(Path.of("src/main/resources").resolve(rules.resourceFolder()),
                rules.packageName(), rules.files());
        assertThat(report).endsWith(", 0 failed\n");
    }
}
