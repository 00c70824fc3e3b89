package io.konveyor.forklift.ova

import rego.v1

# An OVA VM as plugins/ova publishes it (InventoryDocuments.vm), trimmed to what the rules read.
clean_vm := {
	"id": "a1", "name": "appliance-1", "exportSource": "VMware", "cpuAffinity": [],
	"cpuHotAddEnabled": false, "cpuHotRemoveEnabled": false, "memoryHotAddEnabled": false,
	"disks": [{"id": "d1", "name": "disk1", "capacity": 1073741824}],
}

concern_ids(vm) := {c.id | some c in found} if {
	found := concerns with input as vm
}

has(changes, id) if id in concern_ids(object.union(clean_vm, changes))

test_clean_vm_has_no_concerns if count(concern_ids(clean_vm)) == 0

test_validate_shape if {
	r := validate with input as clean_vm
	r.rules_version == RULES_VERSION
	count(r.errors) == 0
}

test_cpu_affinity if has({"cpuAffinity": [1]}, "ova.cpu_affinity.detected")

test_hotplug if has({"memoryHotAddEnabled": true}, "ova.cpu_memory.hotplug.enabled")

test_disk_count if has({"disks": [clean_vm.disks[0] | some _ in numbers.range(1, 166)]}, "ova.disk.count_exceeded")

test_disk_size if has({"disks": [{"id": "d", "name": "d", "capacity": 0}]}, "ova.disk.capacity.invalid")

test_export_source if has({"exportSource": "VirtualBox"}, "ova.source.unsupported")

test_name if has({"name": "My Appliance"}, "ova.name.invalid")
