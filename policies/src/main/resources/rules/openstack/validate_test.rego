package io.konveyor.forklift.openstack

import rego.v1

clean_vm := {
	"id": "3f1c", "name": "app-01", "status": "SHUTOFF",
	"flavor": {"id": "m1.small", "extraSpecs": {}},
	"image": {"id": "img-1", "properties": {"hw_disk_bus": "virtio", "hw_vif_model": "virtio", "os_distro": "rhel"}},
	"volumes": [{"id": "vol-1", "size": 20, "status": "in-use", "multiattach": false}],
	"addresses": {"private": [{"addr": "10.0.0.4", "OS-EXT-IPS:type": "fixed"}]},
}

concern_ids(vm) := {c.id | some c in found} if {
	found := concerns with input as vm
}

has(changes, id) if id in concern_ids(object.union(clean_vm, changes))

image(props) := {"image": {"properties": props}}

test_clean_vm_has_no_concerns if count(concern_ids(clean_vm)) == 0

test_validate_shape if {
	r := validate with input as clean_vm
	r.rules_version == RULES_VERSION
	count(r.errors) == 0
}

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
