package io.konveyor.forklift.vmware

import rego.v1

test_cpu_affinity if {
	"vmware.cpu_affinity.detected" in concern_ids(object.union(clean_vm, {"cpuAffinity": [0, 2]}))
}

test_cpu_hot_add if {
	"vmware.cpu_memory.hotplug.enabled" in concern_ids(object.union(clean_vm, {"cpuHotAddEnabled": true}))
}

test_cpu_hot_remove if {
	"vmware.cpu_memory.hotplug.enabled" in concern_ids(object.union(clean_vm, {"cpuHotRemoveEnabled": true}))
}

test_memory_hot_add if {
	"vmware.cpu_memory.hotplug.enabled" in concern_ids(object.union(clean_vm, {"memoryHotAddEnabled": true}))
}

test_numa_affinity if {
	"vmware.numa_affinity.detected" in concern_ids(object.union(clean_vm, {"numaNodeAffinity": ["0", "1"]}))
}

test_cpu_affinity_is_a_warning_as_in_mtv if {
	found := concerns with input as object.union(clean_vm, {"cpuAffinity": [1]})
	some c in found
	c.id == "vmware.cpu_affinity.detected"
	c.category == "Warning"
}
