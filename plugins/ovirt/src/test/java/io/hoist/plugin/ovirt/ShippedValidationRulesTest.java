package io.hoist.plugin.ovirt;

import io.hoist.testkit.validation.ShippedValidationRulesContractTest;

/** The rule package this plugin ships (MTV's ovirt): complete, compiling, answering, its own tests passing. */
class ShippedValidationRulesTest extends ShippedValidationRulesContractTest {
    ShippedValidationRulesTest() {
        super(new OvirtProviderFactory(), "ovirt");
    }
}
