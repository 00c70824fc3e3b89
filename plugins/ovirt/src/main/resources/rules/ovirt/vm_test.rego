package io.konveyor.forklift.ovirt

import rego.v1

has(changes, id) if id in concern_ids(object.union(clean_vm, changes))

category_of(changes, id) := c.category if {
	some c in concerns_of(object.union(clean_vm, changes))
	c.id == id
}

test_ballooning if category_of({"balloonedMemory": true}, "ovirt.memory.ballooning.enabled") == "Information"

test_boot_menu if category_of({"bootMenuEnabled": true}, "ovirt.bios.boot_menu.enabled") == "Warning"

test_custom_cpu_model if has({"customCpuModel": "Skylake-Server"}, "ovirt.cpu.custom_model.detected")

test_cpu_pinning_policy if has({"cpuPinningPolicy": "isolate_threads"}, "ovirt.cpu.pinning_policy.unsupported")

test_cpu_pinning_policy_manual_is_cpu_tuning if not has({"cpuPinningPolicy": "manual"}, "ovirt.cpu.pinning_policy.unsupported")

test_cpu_tune if has({"cpuAffinity": [{"vCpu": 0, "cpuSet": "1"}]}, "ovirt.cpu.tuning.detected")

test_cpu_shares if category_of({"cpuShares": 1024}, "ovirt.cpu.shares.defined") == "Warning"

test_custom_properties if has({"properties": [{"name": "sap_agent", "value": "true"}]}, "ovirt.vm.custom_properties.detected")

test_ha if has({"haEnabled": true}, "ovirt.ha.enabled")

test_ha_reservation if has({"cluster": {"haReservation": true, "ksmEnabled": false}}, "ovirt.ha.reservation.enabled")

test_ksm if has({"cluster": {"haReservation": false, "ksmEnabled": true}}, "ovirt.cluster.ksm_enabled")

test_host_devices if category_of({"hostDevices": [{"capability": "pci"}]}, "ovirt.host_devices.mapped") == "Warning"

test_io_threads if has({"ioThreads": 2}, "ovirt.iothreads.configured")

test_one_io_thread_is_clean if not has({"ioThreads": 1}, "ovirt.iothreads.configured")

test_numa_tune if has({"numaNodeAffinity": ["0"]}, "ovirt.numa.tuning.detected")

test_memory_snapshot if has({"snapshots": [{"persistMemory": true}]}, "ovirt.snapshot.online_memory.detected")

test_placement_policy_migratable if has({"placementPolicyAffinity": "migratable"}, "ovirt.placement_policy.affinity_set")

test_placement_policy_user_migratable_is_clean if not has({"placementPolicyAffinity": "user_migratable"}, "ovirt.placement_policy.affinity_set")

test_secure_boot if has({"bios": "q35_secure_boot"}, "ovirt.secure_boot.detected")

test_tpm if has({"osType": "windows_11"}, "ovirt.tpm.required_by_os")

test_usb if has({"usbEnabled": true}, "ovirt.usb.enabled")

test_watchdog if has({"watchDogs": [{"action": "reset", "model": "i6300esb"}]}, "ovirt.watchdog.enabled")

test_vm_status if category_of({"status": "image_locked"}, "ovirt.vm.status_invalid") == "Warning"

test_vm_status_up_is_clean if not has({"status": "up"}, "ovirt.vm.status_invalid")

test_illegal_images if category_of({"hasIllegalImages": true}, "ovirt.disk.illegal_images.detected") == "Critical"

test_rhel6 if has({"osType": "rhel_6x64"}, "ovirt.os.unsupported")

test_invalid_name if has({"name": "my vm"}, "ovirt.name.invalid")

test_resume_behaviour if has({"storageErrorResumeBehaviour": "kill"}, "ovirt.storage.resume_behavior.unsupported")

test_spice if category_of({"display": "spice"}, "ovirt.display_type.spice.enabled") == "Information"

test_s390x if category_of({"cpuArchitecture": "s390x"}, "ovirt.cpu.architecture.unsupported") == "Critical"

test_x86_64_is_clean if not has({"cpuArchitecture": "x86_64"}, "ovirt.cpu.architecture.unsupported")

test_kubevirt_origin if category_of({"origin": "kubevirt"}, "ovirt.vm.origin.unsupported") == "Critical"

test_hosted_engine if has({"origin": "managed_hosted_engine"}, "ovirt.vm.origin.unsupported")

test_ovirt_origin_is_clean if not has({"origin": "ovirt"}, "ovirt.vm.origin.unsupported")
