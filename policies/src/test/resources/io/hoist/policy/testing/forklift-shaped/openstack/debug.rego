package io.konveyor.forklift.openstack

import rego.v1

# every provider folder of MTV's policies has one of these
debug if {
	trace(sprintf("** debug ** vm name: %v", [input.name]))
}
