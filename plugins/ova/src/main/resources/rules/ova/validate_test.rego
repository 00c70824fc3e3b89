package io.konveyor.forklift.ova

import rego.v1

# An OVA VM as plugins/ova publishes it (InventoryDocuments.vm), trimmed to what the rules read.
clean_vm := {
	"id": "a1", "name": "appliance-1", "exportSource": "VMware", "cpuAffinity": [],
	"cpuHotAddEnabled": false, "cpuHotRemoveEnabled": false, "memoryHotAddEnabled": false,
	"disks": [{"id": "d1", "name": "disk1", "capacity": 1073741824}],
}

concern_ids(vm) := {c.id | some c in found} if {
	found := concerns with input as vm
}

has(changes, id) if id in concern_ids(object.union(clean_vm, changes))

test_clean_vm_has_no_concerns if count(concern_ids(clean_vm)) == 0

test_validate_shape if {
	r := validate with input as clean_vm
	r.rules_version == RULES_VERSION
	count(r.errors) == 0
}

