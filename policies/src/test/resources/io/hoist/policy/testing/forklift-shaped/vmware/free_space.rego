package io.konveyor.forklift.vmware

import rego.v1

min_free_mb := 100

failing_disks contains info if {
	some disk in input.guestDisks
	free_mb := round(disk.freeSpace / (1024 * 1024))
	free_mb < min_free_mb
	info := {"disk": disk, "free_mb": free_mb}
}

concerns contains flag if {
	some info in failing_disks
	flag := {
		"id": "vmware.guestDisks.freespace",
		"category": "Critical",
		"assessment": sprintf(
			"The guest filesystem '%s' has %v MB of free space, but a minimum of %v MB is required.",
			[info.disk.diskPath, info.free_mb, min_free_mb],
		),
	}
}
