package io.konveyor.forklift.vmware

import rego.v1

test_low_free_space if {
	vm := object.union(clean_vm, {"guestDisks": [{"diskPath": "/", "capacity": 10000000000, "freeSpace": 1048576}]})
	"vmware.guest_disk.free_space.low" in concern_ids(vm)
}

test_empty_hostname if {
	"vmware.hostname.empty" in concern_ids(object.union(clean_vm, {"hostName": ""}))
}

test_default_hostname if {
	"vmware.hostname.empty" in concern_ids(object.union(clean_vm, {"hostName": "localhost.localdomain"}))
}

test_missing_ips_when_running if {
	"vmware.guest_network.ip_missing" in concern_ids(object.union(clean_vm, {"guestNetworks": []}))
}

test_missing_ips_ignored_when_off if {
	vm := object.union(clean_vm, {"guestNetworks": [], "powerState": "poweredOff"})
	not "vmware.guest_network.ip_missing" in concern_ids(vm)
}

test_unsupported_os if {
	"vmware.os.unsupported" in concern_ids(object.union(clean_vm, {"guestId": "solaris11_64Guest"}))
}

test_windows_guest_disk_without_mapping if {
	vm := object.union(clean_vm, {"guestId": "windows2019srv_64Guest", "guestDisks": [
		{"diskPath": "C:\\", "capacity": 10, "freeSpace": 5, "key": 2000},
		{"diskPath": "D:\\", "capacity": 10, "freeSpace": 5, "key": 0},
	]})
	found := concerns with input as vm
	labels := {c.label | some c in found; c.id == "vmware.guestDisks.key.not_found"}
	labels == {"Missing disk key mapping for 'D:\\'"}
}

test_linux_guest_disk_without_mapping_is_fine if {
	vm := object.union(clean_vm, {"guestDisks": [{"diskPath": "/", "capacity": 10, "freeSpace": 5}]})
	not "vmware.guestDisks.key.not_found" in concern_ids(vm)
}
