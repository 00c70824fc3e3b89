package io.konveyor.forklift.ovirt

import rego.v1

concerns contains flag("ovirt.disk.interface_type.unsupported", "Warning", sprintf("Disk interface %v", [a.interface]),
	"The disk interface is not virtio, virtio_scsi or sata; the disk is attached as virtio on the target.") if {
	some a in input.diskAttachments
	not a.interface in {"virtio", "virtio_scsi", "sata"}
}

concerns contains flag("ovirt.disk.status.unsupported", "Critical", sprintf("Disk %v is %v", [a.disk.name, a.disk.status]),
	"Disks that are illegal or locked cannot be transferred.") if {
	some a in input.diskAttachments
	a.disk.status in {"illegal", "locked"}
}

concerns contains flag("ovirt.disk.storage_type.unsupported", "Critical", sprintf("Disk storage type %v", [a.disk.storageType]),
	"Only 'image' and 'lun' disks can be migrated.") if {
	some a in input.diskAttachments
	not a.disk.storageType in {"image", "lun"}
}

concerns contains flag("ovirt.disk.shared.detected", "Warning", sprintf("Shared disk %v", [a.disk.name]),
	"The disk is shared with other VMs; migrate them together with the source VMs powered off.") if {
	some a in input.diskAttachments
	a.disk.shared == true
}

concerns contains flag("ovirt.nic.interface_type.unsupported", "Warning", sprintf("NIC %v has interface %v", [n.name, n.interface]),
	"Only e1000, rtl8139 and virtio NICs have a KubeVirt model; the NIC becomes virtio.") if {
	some n in input.nics
	not n.interface in {"e1000", "rtl8139", "virtio", "pci_passthrough"}
}

concerns contains flag("ovirt.nic.network_filter.detected", "Warning", sprintf("NIC %v has a network filter", [n.name]),
	"Network filters are not migrated.") if {
	some n in input.nics
	n.profile.networkFilter != ""
}

concerns contains flag("ovirt.nic.passthrough.detected", "Critical", sprintf("NIC %v is a passthrough NIC", [n.name]),
	"Passthrough (SR-IOV) NICs need an SR-IOV network on the target.") if {
	some n in input.nics
	n.profile.passThrough == true
}

concerns contains flag("ovirt.nic.unplugged.detected", "Warning", sprintf("NIC %v is unplugged", [n.name]),
	"Unplugged NICs are migrated plugged.") if {
	some n in input.nics
	n.plugged == false
}

concerns contains flag("ovirt.nic.port_mirroring.detected", "Warning", sprintf("NIC %v uses port mirroring", [n.name]),
	"Port mirroring is not migrated.") if {
	some n in input.nics
	n.profile.portMirroring == true
}

concerns contains flag("ovirt.nic.qos.detected", "Warning", sprintf("NIC %v has QoS", [n.name]),
	"Network QoS is not migrated.") if {
	some n in input.nics
	n.profile.qos != ""
}
