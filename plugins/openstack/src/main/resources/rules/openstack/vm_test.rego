package io.konveyor.forklift.openstack

import rego.v1

# One test per concern of vm.rego; clean_vm and concern_ids are in validate_test.rego.

test_boot_menu if has(image({"hw_boot_menu": "true"}), "openstack.boot_menu.enabled")

test_cpu_shares if has({"flavor": {"extraSpecs": {"quota:cpu_shares": "2048"}}}, "openstack.cpu.shares.defined")

test_disk_bus if has(image({"hw_disk_bus": "ide"}), "openstack.disk.bus.unsupported")

test_disk_size if has({"volumes": [{"id": "v", "size": 0, "status": "in-use"}]}, "openstack.disk.size.invalid")

test_disk_status if has({"volumes": [{"id": "v", "size": 1, "status": "error"}]}, "openstack.disk.status.unsupported")

test_shared_volume if has({"volumes": [{"id": "v", "size": 1, "status": "in-use", "multiattach": true}]}, "openstack.disk.shared.detected")

test_floating_ip if has({"addresses": {"public": [{"addr": "1.2.3.4", "OS-EXT-IPS:type": "floating"}]}}, "openstack.network.floating_ip.detected")

test_host_devices if has({"flavor": {"extraSpecs": {"pci_passthrough:alias": "gpu:1"}}}, "openstack.host_devices.detected")

test_numa if has({"flavor": {"extraSpecs": {"hw:numa_nodes": "2"}}}, "openstack.numa.detected")

test_secure_boot if has(image({"os_secure_boot": "required"}), "openstack.secure_boot.detected")

test_vif_model if has(image({"hw_vif_model": "ne2k_pci"}), "openstack.vif_model.unsupported")

test_os if has(image({"os_distro": "freebsd"}), "openstack.os.unsupported")

test_status if has({"status": "ERROR"}, "openstack.vm.status.unsupported")

test_watchdog if has(image({"hw_watchdog_action": "reset"}), "openstack.watchdog.detected")
