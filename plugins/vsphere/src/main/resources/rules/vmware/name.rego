package io.konveyor.forklift.vmware

import rego.v1

# The target VirtualMachine is named after the source VM; Kubernetes names are DNS-1123 labels.
concerns contains flag if {
	not valid_vm_name(input.name)
	flag := {
		"id": "vmware.name.invalid",
		"category": "Warning",
		"label": "Invalid VM name",
		"assessment": "The VM name is not a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters). It will be renamed on the target.",
	}
}

valid_vm_name(name) if {
	count(name) <= 63
	regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, name)
}
