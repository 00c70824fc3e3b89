package io.konveyor.forklift.openstack

import rego.v1

RULES_VERSION := 1

rules_version := {"rules_version": RULES_VERSION}

validate := {
	"rules_version": RULES_VERSION,
	"errors": errors,
	"concerns": concerns,
}

default valid_vm_string := false

valid_vm_string if is_string(input.name)

# "not is_string(input.name)" would be undefined without a name: the operand is evaluated outside the negation
errors contains message if {
	not valid_vm_string
	message := "No VM name found in input body"
}
