package io.konveyor.forklift.ovirt

import rego.v1

# Disks and NICs: input.diskAttachments[] with the disk embedded (.disk), input.nics[] with the vNIC profile
# embedded (.profile), as MTV's workload serves them.

concerns contains flag("ovirt.disk.interface_type.unsupported", "Warning", "Unsupported disk interface type detected",
	sprintf("Disk %v is attached through %v; only sata, virtio_scsi and virtio exist on the target, where it is attached as virtio.", [object.get(a.disk, "name", a.id), a.interface])) if {
	some a in object.get(input, "diskAttachments", [])
	not regex.match(`sata|virtio_scsi|virtio`, a.interface)
}

concerns contains flag("ovirt.disk.illegal_or_locked_status", "Critical", "VM has an illegal or locked disk status condition",
	sprintf("Disk %v is %v; its transfer is likely to fail.", [a.disk.name, a.disk.status])) if {
	some a in object.get(input, "diskAttachments", [])
	regex.match(`illegal|locked`, a.disk.status)
}

concerns contains flag("ovirt.disk.storage_type.unsupported", "Critical", "Unsupported disk storage type detected",
	sprintf("Disk %v has storage type %v; only image and lun disks can be migrated.", [a.disk.name, a.disk.storageType])) if {
	some a in object.get(input, "diskAttachments", [])
	not a.disk.storageType in {"image", "lun"}
}

concerns contains flag("ovirt.disk.shared.detected", "Warning", "Shared disk detected",
	sprintf("Disk %v is shared with other VMs; shared disks are not supported on the target.", [a.disk.name])) if {
	some a in object.get(input, "diskAttachments", [])
	a.disk.shared == true
}

concerns contains flag("ovirt.disk.scsi_reservation.enabled", "Warning", "Shared disk detected",
	sprintf("Disk %v uses SCSI reservation (a disk shared by a cluster of VMs); not supported on the target.", [object.get(a.disk, "name", a.id)])) if {
	some a in object.get(input, "diskAttachments", [])
	a.scsiReservation == true
}

# The disk count limit of the target (CNV-91554).
max_disk_count := 165

concerns contains flag("ovirt.disk.count.exceeds.limit", "Warning",
	sprintf("VM has %d disks, which exceeds the limit of %d", [count(input.diskAttachments), max_disk_count]),
	sprintf("The target supports at most %d disks per VM.", [max_disk_count])) if {
	count(object.get(input, "diskAttachments", [])) > max_disk_count
}

concerns contains flag("ovirt.disk.capacity.invalid", "Critical", "Disk has an invalid capacity",
	sprintf("Disk %v has no size (provisioned size, or a LUN's logical unit size, is 0).", [a.disk.name])) if {
	some a in object.get(input, "diskAttachments", [])
	invalid_capacity(a.disk)
}

invalid_capacity(disk) if {
	disk.storageType == "lun"
	some unit in disk.lun.logicalUnits.logicalUnit
	unit.size <= 0
}

invalid_capacity(disk) if {
	disk.storageType != "lun"
	object.get(disk, "provisionedSize", 1) <= 0
}

concerns contains flag("ovirt.nic.interface_type.unsupported", "Warning", "Unsupported NIC interface type detected",
	sprintf("NIC %v has interface %v; only e1000, rtl8139 and virtio exist on the target, where it becomes virtio.", [n.name, n.interface])) if {
	some n in object.get(input, "nics", [])
	not regex.match(`e1000|rtl8139|virtio`, n.interface)
}

concerns contains flag("ovirt.nic.network_filter.detected", "Warning", "NIC with network filter detected",
	sprintf("NIC %v's vNIC profile has a network filter; filters are not carried over.", [n.name])) if {
	some n in object.get(input, "nics", [])
	n.profile.networkFilter != ""
}

# A passthrough vNIC profile gives its NICs the pci_passthrough interface; either is flagged.
concerns contains flag("ovirt.nic.pci_passthrough.detected", "Warning", "NIC with host device passthrough detected",
	sprintf("NIC %v is a host device passthrough (SR-IOV) NIC; map its network to an SR-IOV network on the target.", [n.name])) if {
	some n in object.get(input, "nics", [])
	passthrough(n)
}

passthrough(n) if n.interface == "pci_passthrough"

passthrough(n) if n.profile.passThrough == true

concerns contains flag("ovirt.nic.unplugged.detected", "Warning", "Unplugged NIC detected",
	sprintf("NIC %v is unplugged; the target VM's NIC is plugged.", [n.name])) if {
	some n in object.get(input, "nics", [])
	n.plugged == false
}

concerns contains flag("ovirt.nic.port_mirroring.detected", "Warning", "NIC with port mirroring detected",
	sprintf("NIC %v's vNIC profile mirrors its traffic; port mirroring is not carried over.", [n.name])) if {
	some n in object.get(input, "nics", [])
	n.profile.portMirroring == true
}

concerns contains flag("ovirt.nic.qos.detected", "Warning", "NIC with QoS settings detected",
	sprintf("NIC %v's vNIC profile has QoS; network QoS is not carried over.", [n.name])) if {
	some n in object.get(input, "nics", [])
	n.profile.qos != ""
}

concerns contains flag("ovirt.nic.custom_properties.detected", "Warning", "vNIC custom properties detected",
	sprintf("NIC %v's vNIC profile has custom properties; they are not carried over.", [n.name])) if {
	some n in object.get(input, "nics", [])
	count(object.get(n.profile, "properties", [])) > 0
}
