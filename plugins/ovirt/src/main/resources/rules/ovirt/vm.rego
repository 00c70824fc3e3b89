package io.konveyor.forklift.ovirt

import rego.v1

# oVirt VM properties that have no KubeVirt equivalent. Field names follow MTV's oVirt inventory model.

flag(id, category, label, assessment) := {"id": id, "category": category, "label": label, "assessment": assessment}

concerns contains flag("ovirt.memory.ballooning.enabled", "Warning", "Memory ballooning enabled",
	"Memory ballooning is not migrated; the VM gets its full memory on the target.") if input.balloonedMemory == true

concerns contains flag("ovirt.bios.boot_menu.enabled", "Information", "BIOS boot menu enabled",
	"The boot menu setting is not migrated.") if input.bootMenuEnabled == true

concerns contains flag("ovirt.cpu.custom_model", "Warning", "Custom CPU model",
	sprintf("The VM uses the custom CPU model %v; the target uses the cluster's default model unless the plan sets one.", [input.customCpuModel])) if {
	is_string(input.customCpuModel)
	input.customCpuModel != ""
}

concerns contains flag("ovirt.cpu.pinning_policy.unsupported", "Warning", "Unsupported CPU pinning policy",
	sprintf("CPU pinning policy %v is not supported by OpenShift Virtualization.", [input.cpuPinningPolicy])) if {
	input.cpuPinningPolicy in {"resize_and_pin_numa", "isolate_threads", "dedicated"}
}

concerns contains flag("ovirt.cpu.tuning.detected", "Warning", "CPU pinning (cpu tune) detected",
	"The VM is pinned to host CPUs; pinning is not migrated.") if count(object.get(input, "cpuAffinity", [])) > 0

concerns contains flag("ovirt.cpu.shares.defined", "Information", "CPU shares defined",
	"CPU shares are not migrated.") if input.cpuShares > 0

concerns contains flag("ovirt.custom_properties.detected", "Warning", "Custom properties detected",
	"The VM's custom properties are not migrated.") if count(object.get(input, "properties", [])) > 0

concerns contains flag("ovirt.ha.enabled", "Warning", "High availability enabled",
	"oVirt high availability is not migrated; use a KubeVirt run strategy instead.") if input.haEnabled == true

concerns contains flag("ovirt.host_devices.detected", "Critical", "Host devices attached",
	"The VM uses host (passthrough) devices. They are not migrated and the VM may not work without them.") if count(object.get(input, "hostDevices", [])) > 0

concerns contains flag("ovirt.io_threads.detected", "Information", "IO threads configured",
	"IO threads are not migrated.") if input.ioThreads > 0

concerns contains flag("ovirt.numa_tune.detected", "Warning", "NUMA tuning detected",
	"NUMA node affinity is not migrated.") if count(object.get(input, "numaNodeAffinity", [])) > 0

concerns contains flag("ovirt.snapshot.memory.detected", "Warning", "Snapshot with memory detected",
	"Snapshots that include memory are not migrated; only the current disk state is.") if {
	some s in object.get(input, "snapshots", [])
	s.persistMemory == true
}

concerns contains flag("ovirt.placement_policy.affinity", "Warning", "Placement policy: pinned to host",
	"The VM may not live-migrate in oVirt (user_migratable / pinned); live migration in OpenShift Virtualization is still enabled.") if {
	input.placementPolicyAffinity in {"user_migratable", "pinned"}
}

concerns contains flag("ovirt.secure_boot.detected", "Warning", "UEFI secure boot detected",
	"Secure boot is migrated as UEFI with secure boot; the guest's keys are not.") if input.bios == "q35_secure_boot"

concerns contains flag("ovirt.tpm.detected", "Warning", "TPM detected",
	"The virtual TPM's state is not migrated.") if {
	input.osType in {"windows_2022", "windows_11"}
}

concerns contains flag("ovirt.usb.enabled", "Warning", "USB support enabled",
	"USB devices are not migrated.") if input.usbEnabled == true

concerns contains flag("ovirt.watchdog.detected", "Warning", "Watchdog detected",
	"The watchdog device is not migrated.") if count(object.get(input, "watchdogs", [])) > 0

concerns contains flag("ovirt.vm.status.invalid", "Critical", sprintf("VM status %v", [input.status]),
	"The VM is in a state that cannot be migrated (it must be up or down).") if {
	not input.status in {"up", "down"}
}

concerns contains flag("ovirt.disk.illegal_images.detected", "Critical", "Illegal disk images",
	"A snapshot has disk images in ILLEGAL state; the disk transfer is likely to fail.") if input.hasIllegalImages == true
