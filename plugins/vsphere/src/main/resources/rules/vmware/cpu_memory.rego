package io.konveyor.forklift.vmware

import rego.v1

concerns contains flag if {
	count(input.cpuAffinity) > 0
	flag := {
		"id": "vmware.cpu_affinity.detected",
		"category": "Warning",
		"label": "CPU affinity detected",
		"assessment": "The VM is pinned to specific host CPUs. CPU affinity is not migrated; review the VM's placement after migration.",
	}
}

concerns contains flag if {
	hotplug_enabled
	flag := {
		"id": "vmware.cpu_memory.hotplug.enabled",
		"category": "Warning",
		"label": "CPU or memory hotplug detected",
		"assessment": "Hot-adding CPUs or memory is not migrated. The VM keeps its current CPU count and memory size.",
	}
}

hotplug_enabled if input.cpuHotAddEnabled == true

hotplug_enabled if input.cpuHotRemoveEnabled == true

hotplug_enabled if input.memoryHotAddEnabled == true

concerns contains flag if {
	count(input.numaNodeAffinity) != 0
	flag := {
		"id": "vmware.numa_affinity.detected",
		"category": "Warning",
		"label": "NUMA node affinity detected",
		"assessment": "The VM has a NUMA node affinity (numa.nodeAffinity). It is not migrated; the target scheduler places the VM.",
	}
}
