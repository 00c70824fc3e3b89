package io.hoist.plugin.openstack;

import io.hoist.testkit.validation.ShippedValidationRulesContractTest;

/** The rule package this plugin ships (MTV's openstack): complete, compiling, answering, its own tests passing. */
class ShippedValidationRulesTest extends ShippedValidationRulesContractTest {
    ShippedValidationRulesTest() {
        super(new OpenstackProviderFactory(), "openstack");
    }
}
