package io.hoist.plugin.kubevirt;

import io.hoist.testkit.validation.ShippedValidationRulesContractTest;

/** The rule package this plugin ships (MTV's openshift): complete, compiling, answering, its own tests passing. */
class ShippedValidationRulesTest extends ShippedValidationRulesContractTest {
    ShippedValidationRulesTest() {
        super(new KubevirtSourceProviderFactory(), "openshift");
    }
}
