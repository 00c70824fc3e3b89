package io.konveyor.forklift.ova

import rego.v1

# Field names are those plugins/ova publishes (InventoryDocuments.vm).

flag(id, category, label, assessment) := {"id": id, "category": category, "label": label, "assessment": assessment}

max_disks := 165

concerns contains flag("ova.cpu_affinity.detected", "Critical", "CPU affinity detected",
	"The OVF pins the VM to host CPUs; CPU affinity is not migrated.") if count(input.cpuAffinity) > 0

concerns contains flag("ova.cpu_memory.hotplug.enabled", "Warning", "CPU or memory hotplug detected",
	"Hot-adding CPUs or memory is not migrated.") if {
	some f in ["cpuHotAddEnabled", "cpuHotRemoveEnabled", "memoryHotAddEnabled"]
	input[f] == true
}

concerns contains flag("ova.disk.count_exceeded", "Critical", sprintf("More than %d disks", [max_disks]),
	sprintf("The VM has %d disks; OpenShift Virtualization supports at most %d.", [count(input.disks), max_disks])) if {
	count(input.disks) > max_disks
}

concerns contains flag("ova.disk.capacity.invalid", "Critical", sprintf("Disk %v has an invalid capacity", [d.name]),
	"The OVF gives no positive capacity for the disk; its target volume cannot be sized.") if {
	some d in input.disks
	not d.capacity > 0
}

concerns contains flag("ova.source.unsupported", "Warning", sprintf("OVA exported by %v", [input.exportSource]),
	"Only OVAs exported by VMware are supported; others may fail to convert or boot.") if {
	input.exportSource != "VMware"
}

concerns contains flag("ova.name.invalid", "Warning", "Invalid VM name",
	"The VM name is not a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters). It will be renamed on the target.") if {
	not valid_vm_name(input.name)
}

valid_vm_name(name) if {
	count(name) <= 63
	regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, name)
}
