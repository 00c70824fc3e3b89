package io.konveyor.forklift.vmware

import rego.v1

# KubeVirt attaches at most this many disks to one VM (virtio-scsi targets per controller times controllers).
max_disks := 165

concerns contains flag if {
	count(input.disks) > max_disks
	flag := {
		"id": "vmware.disk.count_exceeded",
		"category": "Critical",
		"label": sprintf("More than %d disks", [max_disks]),
		"assessment": sprintf("The VM has %d disks; OpenShift Virtualization supports at most %d.", [count(input.disks), max_disks]),
	}
}

concerns contains flag if {
	some d in input.disks
	not on_datastore(d)
	flag := {
		"id": "vmware.disk.not_on_datastore",
		"category": "Critical",
		"label": sprintf("Disk %v is not on a datastore", [d.file]),
		"assessment": "The disk has no datastore, so it cannot be mapped to a storage class. Move it to a datastore before migrating.",
	}
}

on_datastore(d) if {
	d.datastore.kind == "Datastore"
	d.datastore.id != ""
}

concerns contains flag if {
	some d in input.disks
	startswith(d.mode, "independent")
	flag := {
		"id": "vmware.disk_mode.independent",
		"category": "Critical",
		"label": sprintf("Independent disk %v", [d.file]),
		"assessment": "Independent disks are excluded from snapshots, so they cannot be migrated consistently. Change the disk mode to dependent.",
	}
}

concerns contains flag if {
	some d in input.disks
	not valid_capacity(d)
	flag := {
		"id": "vmware.disk.capacity.invalid",
		"category": "Critical",
		"label": sprintf("Disk %v has an invalid capacity", [d.file]),
		"assessment": "The disk's capacity is missing or not positive; its target volume cannot be sized.",
	}
}

valid_capacity(d) if {
	is_number(d.capacity)
	d.capacity > 0
}

concerns contains flag if {
	input.diskEnableUuid == true
	flag := {
		"id": "vmware.disk.serial.truncated",
		"category": "Warning",
		"label": "Disk serial numbers will be truncated",
		"assessment": "disk.EnableUUID is set, so guests see disk serials built from the disk UUID. KubeVirt truncates disk serials to 20 characters; tools that identify disks by serial can see different values after migration.",
	}
}

concerns contains flag if {
	some d in input.disks
	d.rdm == true
	flag := {
		"id": "vmware.disk.rdm.detected",
		"category": "Critical",
		"label": sprintf("Raw Device Mapped disk %v", [d.file]),
		"assessment": "RDM disks are not supported by the migration; detach them or convert them to virtual disks.",
	}
}

concerns contains flag if {
	some d in input.disks
	d.shared == true
	flag := {
		"id": "vmware.disk.shared.detected",
		"category": "Warning",
		"label": sprintf("Shared disk %v", [d.file]),
		"assessment": "The disk is shared with other VMs. It is copied once; migrate the VMs that share it together, with the source VMs powered off.",
	}
}

concerns contains flag if {
	some d in input.disks
	d.bus == "nvme"
	flag := {
		"id": "vmware.disk.nvme.detected",
		"category": "Critical",
		"label": "Disk NVMe was detected",
		"assessment": sprintf("Disk %v is on an NVMe controller, which MTV does not migrate (the guest's NVMe device names and boot configuration do not survive the move to virtio). Move the disk to a SCSI or SATA controller first.", [d.file]),
	}
}
