package io.konveyor.forklift.ovirt

import rego.v1

# oVirt VM settings that OpenShift Virtualization does not carry over. Field names follow MTV's oVirt inventory
# model; concern ids and categories are MTV's (io.konveyor.forklift.ovirt), so scripts and UIs written for MTV's
# concerns read Hoist's unchanged.

flag(id, category, label, assessment) := {"id": id, "category": category, "label": label, "assessment": assessment}

concerns contains flag("ovirt.memory.ballooning.enabled", "Information", "VM has memory ballooning enabled",
	"Memory ballooning is not carried over; the target VM gets its full memory.") if input.balloonedMemory == true

concerns contains flag("ovirt.bios.boot_menu.enabled", "Warning", "VM has BIOS boot menu enabled",
	"The VM is migrated without the BIOS boot menu.") if input.bootMenuEnabled == true

concerns contains flag("ovirt.cpu.custom_model.detected", "Warning", "Custom CPU Model detected",
	sprintf("The VM uses the custom CPU model %v; the target VM keeps it, and the target nodes may not offer it.", [input.customCpuModel])) if {
	is_string(input.customCpuModel)
	count(input.customCpuModel) > 0
}

# 'manual' pinning shows up as cpuAffinity (ovirt.cpu.tuning.detected).
concerns contains flag("ovirt.cpu.pinning_policy.unsupported", "Warning", "Unsupported CPU pinning policy detected",
	sprintf("CPU pinning policy %v (resize and pin NUMA, isolated threads) has no equivalent on the target.", [input.cpuPinningPolicy])) if {
	is_string(input.cpuPinningPolicy)
	regex.match(`resize_and_pin_numa|isolate_threads`, input.cpuPinningPolicy)
}

concerns contains flag("ovirt.cpu.tuning.detected", "Warning", "CPU tuning detected",
	"The VM's vCPUs are pinned to host CPUs; the pinning is not carried over.") if count(object.get(input, "cpuAffinity", [])) > 0

concerns contains flag("ovirt.cpu.shares.defined", "Warning", "VM has CPU Shares Defined",
	"CPU shares are not carried over.") if object.get(input, "cpuShares", 0) > 0

concerns contains flag("ovirt.vm.custom_properties.detected", "Warning", "VM custom properties detected",
	"The VM's custom properties are not carried over.") if count(object.get(input, "properties", [])) > 0

concerns contains flag("ovirt.ha.enabled", "Warning", "VM configured as HA",
	"oVirt high availability is not carried over; a KubeVirt run strategy restarts the VM instead.") if input.haEnabled == true

concerns contains flag("ovirt.ha.reservation.enabled", "Warning", "Cluster has HA reservation",
	"The source cluster reserves resources for highly available VMs; the target has no such reservation.") if {
	input.cluster.haReservation == true
}

concerns contains flag("ovirt.cluster.ksm_enabled", "Warning", "Cluster has KSM enabled",
	"The source cluster merges identical memory pages (KSM); the target nodes may need more memory for the same VMs.") if {
	input.cluster.ksmEnabled == true
}

concerns contains flag("ovirt.host_devices.mapped", "Warning", "VM has mapped host devices",
	"Host devices passed through to the VM are not carried over; the target VM has none.") if count(object.get(input, "hostDevices", [])) > 0

concerns contains flag("ovirt.iothreads.configured", "Information", "IO Threads configuration detected",
	"I/O threads are not carried over; set them again on the target VM if needed.") if object.get(input, "ioThreads", 0) > 1

concerns contains flag("ovirt.numa.tuning.detected", "Warning", "NUMA tuning detected",
	"The VM's NUMA node affinity is not carried over.") if count(object.get(input, "numaNodeAffinity", [])) > 0

concerns contains flag("ovirt.snapshot.online_memory.detected", "Warning", "Online (memory) snapshot detected",
	"A snapshot of the VM holds its memory; snapshots are not migrated, only the disks' current state is.") if {
	some s in object.get(input, "snapshots", [])
	s.persistMemory == true
}

# Only 'migratable' (regex \bmigratable\b as MTV: user_migratable and pinned do not match).
concerns contains flag("ovirt.placement_policy.affinity_set", "Warning", "Placement policy affinity",
	"The VM is set to live-migrate; on the target that needs live migration enabled and RWX storage.") if {
	input.placementPolicyAffinity == "migratable"
}

concerns contains flag("ovirt.secure_boot.detected", "Warning", "UEFI secure boot detected",
	"The VM boots UEFI with secure boot; the target VM does too, without the source's enrolled keys.") if input.bios == "q35_secure_boot"

concerns contains flag("ovirt.tpm.required_by_os", "Warning", "TPM detected",
	"The guest OS needs a TPM; the target VM gets a new one, the source TPM's data is not carried over.") if {
	is_string(input.osType)
	regex.match(`windows_2022|windows_11`, input.osType)
}

concerns contains flag("ovirt.usb.enabled", "Warning", "USB support enabled",
	"USB devices are not attached to the target VM.") if input.usbEnabled == true

concerns contains flag("ovirt.watchdog.enabled", "Warning", "Watchdog detected",
	"The watchdog device is not carried over.") if count(object.get(input, "watchDogs", [])) > 0

concerns contains flag("ovirt.vm.status_invalid", "Warning", "VM has a status condition that may prevent successful migration",
	sprintf("The VM is %v, neither up nor down; migrating it may fail.", [input.status])) if {
	is_string(input.status)
	not regex.match(`up|down`, input.status)
}

concerns contains flag("ovirt.disk.illegal_images.detected", "Critical", "Illegal disk images detected",
	"A snapshot of the VM has disk images in ILLEGAL state; the disk transfer is likely to fail.") if input.hasIllegalImages == true

concerns contains flag("ovirt.os.unsupported", "Warning", "Unsupported operating system detected",
	"The guest OS is RHEL 6, which OpenShift Virtualization does not support.") if {
	is_string(input.osType)
	regex.match(`rhel_6|rhel_6x64`, input.osType)
}

concerns contains flag("ovirt.name.invalid", "Warning", "Invalid VM Name",
	"The VM name is not a DNS-1123 name (at most 63 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit); the target VM is renamed unless the plan sets targetName.") if {
	is_string(input.name)
	not valid_vm_name
}

valid_vm_name if {
	regex.match(`^(([A-Za-z0-9][-A-Za-z0-9.]*)?[A-Za-z0-9])?$`, input.name)
	count(input.name) < 64
}

concerns contains flag("ovirt.storage.resume_behavior.unsupported", "Information", "VM storage error resume behavior",
	sprintf("The VM's storage error resume behavior is '%v'; the target VM does not have this setting.", [input.storageErrorResumeBehaviour])) if {
	is_string(input.storageErrorResumeBehaviour)
	count(input.storageErrorResumeBehaviour) > 0
	input.storageErrorResumeBehaviour != "auto_resume"
}

concerns contains flag("ovirt.display_type.spice.enabled", "Information", "VM Display Type",
	"The VM uses a SPICE display; the target VM gets a VNC console instead.") if input.display == "spice"

# Hoist's own: guests a target VM cannot be made from (vm-import-operator refused these too).
concerns contains flag("ovirt.cpu.architecture.unsupported", "Critical", sprintf("CPU architecture %v", [input.cpuArchitecture]),
	sprintf("The VM is a %v guest; Hoist creates target VMs of the cluster's default (x86_64) architecture, where it does not boot.", [input.cpuArchitecture])) if {
	is_string(input.cpuArchitecture)
	count(input.cpuArchitecture) > 0
	input.cpuArchitecture != "x86_64"
}

concerns contains flag("ovirt.vm.origin.unsupported", "Critical", sprintf("VM origin %v", [input.origin]),
	"The VM is the oVirt engine's own (hosted engine) or already runs in KubeVirt (origin kubevirt): migrating it would power off the engine or copy disks that are not oVirt images.") if {
	input.origin in {"kubevirt", "hosted_engine", "managed_hosted_engine"}
}
