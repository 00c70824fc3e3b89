package io.konveyor.forklift.ovirt

import rego.v1

has(changes, id) if id in concern_ids(object.union(clean_vm, changes))

test_ballooning if has({"balloonedMemory": true}, "ovirt.memory.ballooning.enabled")

test_boot_menu if has({"bootMenuEnabled": true}, "ovirt.bios.boot_menu.enabled")

test_custom_cpu_model if has({"customCpuModel": "Skylake-Server"}, "ovirt.cpu.custom_model")

test_cpu_pinning_policy if has({"cpuPinningPolicy": "isolate_threads"}, "ovirt.cpu.pinning_policy.unsupported")

test_cpu_tune if has({"cpuAffinity": [{"vCpu": 0, "cpuSet": [1]}]}, "ovirt.cpu.tuning.detected")

test_cpu_shares if has({"cpuShares": 1024}, "ovirt.cpu.shares.defined")

test_custom_properties if has({"properties": [{"name": "sap_agent", "value": "true"}]}, "ovirt.custom_properties.detected")

test_ha if has({"haEnabled": true}, "ovirt.ha.enabled")

test_host_devices if has({"hostDevices": [{"capability": "pci"}]}, "ovirt.host_devices.detected")

test_io_threads if has({"ioThreads": 2}, "ovirt.io_threads.detected")

test_numa_tune if has({"numaNodeAffinity": ["0"]}, "ovirt.numa_tune.detected")

test_memory_snapshot if has({"snapshots": [{"persistMemory": true}]}, "ovirt.snapshot.memory.detected")

test_placement_policy if has({"placementPolicyAffinity": "pinned"}, "ovirt.placement_policy.affinity")

test_secure_boot if has({"bios": "q35_secure_boot"}, "ovirt.secure_boot.detected")

test_tpm if has({"osType": "windows_11"}, "ovirt.tpm.detected")

test_usb if has({"usbEnabled": true}, "ovirt.usb.enabled")

test_watchdog if has({"watchdogs": [{"action": "reset"}]}, "ovirt.watchdog.detected")

test_vm_status if has({"status": "image_locked"}, "ovirt.vm.status.invalid")

test_illegal_images if has({"hasIllegalImages": true}, "ovirt.disk.illegal_images.detected")
