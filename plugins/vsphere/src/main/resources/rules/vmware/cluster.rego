package io.konveyor.forklift.vmware

import rego.v1

concerns contains flag if {
	input.host.cluster.drsEnabled == true
	flag := {
		"id": "vmware.drs.enabled",
		"category": "Information",
		"label": "VM running in a DRS-enabled cluster",
		"assessment": "Distributed resource scheduling is not supported by OpenShift Virtualization. The VM can be migrated but it will not have this feature in the target environment.",
	}
}

concerns contains flag if {
	input.faultToleranceEnabled == true
	flag := {
		"id": "vmware.fault_tolerance.enabled",
		"category": "Warning",
		"label": "Fault tolerance enabled",
		"assessment": "Fault tolerance is not supported by OpenShift Virtualization. The VM is migrated without it.",
	}
}
