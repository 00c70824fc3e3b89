package io.konveyor.forklift.vmware

import rego.v1

concerns contains flag if {
	input.snapshot.kind == "VirtualMachineSnapshot"
	flag := {
		"id": "vmware.snapshot.detected",
		"category": "Information",
		"label": "VM snapshot detected",
		"assessment": "Online snapshots are not supported by OpenShift Virtualization. The snapshots are not migrated; only the current state is.",
	}
}

concerns contains flag if {
	input.consolidationNeeded == true
	flag := {
		"id": "vmware.snapshot.consolidation_needed",
		"category": "Critical",
		"label": "VM disks need consolidation",
		"assessment": "vSphere reports that the VM's disks need snapshot consolidation. Consolidate them before migrating, or the copied disks can be inconsistent.",
	}
}
