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

concerns contains flag if {
	input.host.cluster.dpmEnabled == true
	flag := {
		"id": "vmware.dpm.enabled",
		"category": "Information",
		"label": "vSphere DPM detected",
		"assessment": "Distributed Power Management is not supported by OpenShift Virtualization. The VM can be migrated but it will not have this feature in the target environment.",
	}
}

concerns contains flag if {
	some vm in input.host.cluster.hostAffinityVms
	vm.id == input.id
	flag := {
		"id": "vmware.host_affinity.detected",
		"category": "Warning",
		"label": "VM-Host affinity detected",
		"assessment": "The VM is in a VM-Host affinity rule of its cluster. It is migrated without node affinity; set one on the target (targetAffinity) if it matters.",
	}
}
