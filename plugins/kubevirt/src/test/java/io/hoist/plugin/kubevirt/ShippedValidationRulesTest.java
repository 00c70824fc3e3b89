package io.hoist.plugin.kubevirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.validation.ValidationRules;
import io.hoist.policy.testing.RulePackageCheck;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The rule package this plugin ships: declared files = the folder's, it compiles, answers, and its own tests pass. */
class ShippedValidationRulesTest {
    @Test
    void shippedPackageIsCompleteAndItsTestsPass() throws Exception {
        ValidationRules r = new KubevirtSourceProviderFactory().validationRules();
        assertThat(r.packageName()).isEqualTo("openshift");
        String report = RulePackageCheck.check(Path.of("src/main/resources").resolve(r.resourceFolder()), r.packageName(), r.files());
        assertThat(report).endsWith(", 0 failed\n");
    }
}
