package io.konveyor.forklift.vmware

import rego.v1

test_drs if {
	"vmware.drs.enabled" in concern_ids(object.union(clean_vm, {"host": {"cluster": {"drsEnabled": true}}}))
}

test_no_cluster_no_drs if {
	not "vmware.drs.enabled" in concern_ids(object.union(clean_vm, {"host": {"id": "host-1", "cluster": null}}))
}

test_fault_tolerance if {
	"vmware.fault_tolerance.enabled" in concern_ids(object.union(clean_vm, {"faultToleranceEnabled": true}))
}

test_dpm if {
	"vmware.dpm.enabled" in concern_ids(object.union(clean_vm, {"host": {"cluster": {"dpmEnabled": true}}}))
}

test_host_affinity_of_this_vm if {
	vm := object.union(clean_vm, {"host": {"cluster": {"hostAffinityVms": [{"kind": "VM", "id": "vm-9"}, {"kind": "VM", "id": "vm-1"}]}}})
	"vmware.host_affinity.detected" in concern_ids(vm)
}

test_host_affinity_of_other_vms_only if {
	vm := object.union(clean_vm, {"host": {"cluster": {"hostAffinityVms": [{"kind": "VM", "id": "vm-9"}]}}})
	not "vmware.host_affinity.detected" in concern_ids(vm)
}
