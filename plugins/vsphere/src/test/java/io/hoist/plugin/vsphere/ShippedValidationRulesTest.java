package io.hoist.plugin.vsphere;

import io.hoist.testkit.validation.ShippedValidationRulesContractTest;

/** The rule package this plugin ships (MTV's vmware): complete, compiling, answering, its own tests passing. */
class ShippedValidationRulesTest extends ShippedValidationRulesContractTest {
    ShippedValidationRulesTest() {
        super(new VsphereProviderFactory(), "vmware");
    }
}
