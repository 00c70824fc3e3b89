package io.konveyor.forklift.vmware

import rego.v1

# Warm migration copies only changed blocks; without CBT it has to fall back to full copies.
concerns contains flag if {
	input.changeTrackingEnabled == false
	flag := {
		"id": "vmware.changed_block_tracking.disabled",
		"category": "Warning",
		"label": "Changed Block Tracking (CBT) not enabled",
		"assessment": "Changed Block Tracking (CBT) is not enabled on this VM. It is required for warm migration.",
	}
}

concerns contains flag if {
	input.changeTrackingEnabled == true
	some d in input.disks
	d.changeTrackingEnabled == false
	flag := {
		"id": "vmware.changed_block_tracking.disk_disabled",
		"category": "Warning",
		"label": sprintf("Changed Block Tracking (CBT) not enabled on disk %v", [d.file]),
		"assessment": "CBT is enabled on the VM but not on this disk; warm migration cannot copy it incrementally.",
	}
}
