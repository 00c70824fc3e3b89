package io.konveyor.forklift.vmware

import rego.v1

concerns contains flag if {
	input.snapshot.kind == "VirtualMachineSnapshot"
	flag := {
		"id": "vmware.snapshot.detected",
		# Critical, not MTV's Information: Hoist reads disks over the datastore file API (cold) and starts warm
		# precopies from a clean chain, so both refuse a VM with snapshots of its own; the plan says so up front.
		"category": "Critical",
		"label": "VM snapshot detected",
		"assessment": "The VM has snapshots. Hoist refuses to copy its disks (the datastore file reader cannot read a snapshot chain, and warm migration needs a clean chain): remove or consolidate the snapshots before migrating.",
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
