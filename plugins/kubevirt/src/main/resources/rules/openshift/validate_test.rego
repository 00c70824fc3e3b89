package io.konveyor.forklift.openshift

import rego.v1

clean_vm := {
	"id": "uid-1", "name": "vm-a", "namespace": "apps", "version": "12",
	"object": {"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine", "metadata": {"name": "vm-a"},
		"spec": {"runStrategy": "Always", "template": {"spec": {"domain": {"cpu": {"cores": 2}, "devices": {}}}}}},
}

concern_ids(vm) := {c.id | some c in found} if {
	found := concerns with input as vm
}

with_vmi_spec(s) := object.union(clean_vm, {"object": {"spec": {"template": {"spec": s}}}})

test_clean_vm_has_no_concerns if count(concern_ids(clean_vm)) == 0

test_validate_shape if {
	r := validate with input as clean_vm
	r.rules_version == RULES_VERSION
	count(r.errors) == 0
}

