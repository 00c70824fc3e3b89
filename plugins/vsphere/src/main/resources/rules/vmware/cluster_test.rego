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
