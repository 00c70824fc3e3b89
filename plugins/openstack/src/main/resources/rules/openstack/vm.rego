package io.konveyor.forklift.openstack

import rego.v1

# Field names follow MTV's OpenStack inventory model: the server with its flavor (extraSpecs), image
# (properties) and volumes embedded.

flag(id, category, label, assessment) := {"id": id, "category": category, "label": label, "assessment": assessment}

image_property(name) := input.image.properties[name]

flavor_spec(name) := input.flavor.extraSpecs[name]

concerns contains flag("openstack.boot_menu.enabled", "Information", "Boot menu enabled",
	"The boot menu setting (hw_boot_menu) is not migrated.") if {
	lower(sprintf("%v", [image_property("hw_boot_menu")])) == "true"
}

concerns contains flag("openstack.cpu.shares.defined", "Information", "CPU shares defined",
	"CPU shares (quota:cpu_shares) are not migrated.") if flavor_spec("quota:cpu_shares")

concerns contains flag("openstack.disk.bus.unsupported", "Warning", sprintf("Disk bus %v", [image_property("hw_disk_bus")]),
	"Only virtio, scsi and sata disk buses have a KubeVirt equivalent; the disks become virtio.") if {
	not image_property("hw_disk_bus") in {"virtio", "scsi", "sata"}
	image_property("hw_disk_bus")
}

concerns contains flag("openstack.disk.size.invalid", "Critical", sprintf("Volume %v has an invalid size", [v.id]),
	"The volume's size is missing or not positive; its target volume cannot be sized.") if {
	some v in input.volumes
	not v.size > 0
}

concerns contains flag("openstack.disk.status.unsupported", "Critical", sprintf("Volume %v is %v", [v.id, v.status]),
	"Only available or in-use volumes can be copied.") if {
	some v in input.volumes
	not v.status in {"available", "in-use"}
}

concerns contains flag("openstack.disk.shared.detected", "Warning", sprintf("Shared (multi-attach) volume %v", [v.id]),
	"The volume is attached to several servers; migrate them together with the servers stopped.") if {
	some v in input.volumes
	v.multiattach == true
}

concerns contains flag("openstack.network.floating_ip.detected", "Warning", "Floating IP addresses",
	"Floating IPs are not migrated; the VM keeps only its fixed addresses.") if {
	some _, addrs in input.addresses
	some a in addrs
	a["OS-EXT-IPS:type"] == "floating"
}

concerns contains flag("openstack.host_devices.detected", "Critical", "PCI passthrough devices",
	"The flavor requests PCI passthrough devices (pci_passthrough:alias); they are not migrated.") if flavor_spec("pci_passthrough:alias")

concerns contains flag("openstack.numa.detected", "Warning", "NUMA topology defined",
	"NUMA topology (hw:numa_nodes) is not migrated.") if {
	some k, _ in input.flavor.extraSpecs
	startswith(k, "hw:numa_")
}

concerns contains flag("openstack.secure_boot.detected", "Warning", "Secure boot enabled",
	"The VM is migrated with UEFI secure boot; the guest's keys are not migrated.") if {
	image_property("os_secure_boot") in {"required", "optional"}
}

concerns contains flag("openstack.vif_model.unsupported", "Warning", sprintf("VIF model %v", [image_property("hw_vif_model")]),
	"Only virtio, e1000 and rtl8139 NIC models have a KubeVirt equivalent; the NICs become virtio.") if {
	image_property("hw_vif_model")
	not image_property("hw_vif_model") in {"virtio", "e1000", "e1000e", "rtl8139"}
}

concerns contains flag("openstack.os.unsupported", "Warning", sprintf("Guest OS %v", [image_property("os_distro")]),
	"The guest OS is not one virt-v2v converts; the VM may not boot after migration.") if {
	image_property("os_distro")
	not image_property("os_distro") in {"rhel", "centos", "fedora", "ubuntu", "debian", "sles", "opensuse", "windows", "rocky", "almalinux"}
}

concerns contains flag("openstack.vm.status.unsupported", "Critical", sprintf("Server status %v", [input.status]),
	"The server must be ACTIVE or SHUTOFF to be migrated.") if {
	not input.status in {"ACTIVE", "SHUTOFF"}
}

concerns contains flag("openstack.watchdog.detected", "Warning", "Watchdog detected",
	"The watchdog (hw_watchdog_action) is not migrated.") if {
	image_property("hw_watchdog_action")
	image_property("hw_watchdog_action") != "disabled"
}
