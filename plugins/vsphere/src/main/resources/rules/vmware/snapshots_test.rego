package io.konveyor.forklift.vmware

import rego.v1

test_snapshot_detected if {
	"vmware.snapshot.detected" in concern_ids(object.union(clean_vm, {"snapshot": {"kind": "VirtualMachineSnapshot", "id": "snapshot-7"}}))
}

test_consolidation_needed_is_critical if {
	cs := concerns with input as object.union(clean_vm, {"consolidationNeeded": true})
	some c in cs
	c.id == "vmware.snapshot.consolidation_needed"
	c.category == "Critical"
}

test_snapshot_is_critical_since_the_copy_refuses_it if {
	found := concerns with input as object.union(clean_vm, {"snapshot": {"kind": "VirtualMachineSnapshot", "id": "snapshot-7"}})
	some c in found
	c.id == "vmware.snapshot.detected"
	c.category == "Critical"
}
