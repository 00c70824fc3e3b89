package io.konveyor.forklift.openstack

import rego.v1

default invalid_disk_bus := false

# undefined when the image names no bus: the regex operand is evaluated outside the negation
invalid_disk_bus if {
	not regex.match(`sata|scsi|virtio`, input.image.properties.hw_disk_bus)
}

concerns contains flag if {
	invalid_disk_bus
	flag := {
		"id": "openstack.disk.unsupported_interface",
		"category": "Warning",
		"label": sprintf(
			"Unsupported disk interface %s",
			[input.image.properties.hw_disk_bus],
		),
	}
}
