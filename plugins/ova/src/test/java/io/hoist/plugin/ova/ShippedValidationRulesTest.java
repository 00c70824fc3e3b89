package io.hoist.plugin.ova;

import io.hoist.testkit.validation.ShippedValidationRulesContractTest;

/** The rule package this plugin ships (MTV's ova): complete, compiling, answering, its own tests passing. */
class ShippedValidationRulesTest extends ShippedValidationRulesContractTest {
    ShippedValidationRulesTest() {
        super(new OvaProviderFactory(), "ova");
    }
}
