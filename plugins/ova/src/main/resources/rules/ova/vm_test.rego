package io.konveyor.forklift.ova

import rego.v1

# One test per concern of vm.rego; clean_vm and concern_ids are in validate_test.rego.

test_cpu_affinity if has({"cpuAffinity": [1]}, "ova.cpu_affinity.detected")

test_hotplug if has({"memoryHotAddEnabled": true}, "ova.cpu_memory.hotplug.enabled")

test_disk_count if has({"disks": [clean_vm.disks[0] | some _ in numbers.range(1, 166)]}, "ova.disk.count_exceeded")

test_disk_size if has({"disks": [{"id": "d", "name": "d", "capacity": 0}]}, "ova.disk.capacity.invalid")

test_export_source if has({"exportSource": "VirtualBox"}, "ova.source.unsupported")

test_name if has({"name": "My Appliance"}, "ova.name.invalid")
