package io.konveyor.forklift.vmware

import rego.v1

with_disk(changes) := object.union(clean_vm, {"disks": [object.union(clean_vm.disks[0], changes)]})

test_more_than_165_disks if {
	disks := [clean_vm.disks[0] | some _ in numbers.range(1, 166)]
	"vmware.disk.count_exceeded" in concern_ids(object.union(clean_vm, {"disks": disks}))
}

test_165_disks_are_fine if {
	disks := [clean_vm.disks[0] | some _ in numbers.range(1, 165)]
	not "vmware.disk.count_exceeded" in concern_ids(object.union(clean_vm, {"disks": disks}))
}

test_disk_not_on_datastore if {
	"vmware.disk.not_on_datastore" in concern_ids(with_disk({"datastore": {"kind": "", "id": ""}}))
}

test_independent_disk if {
	"vmware.disk_mode.independent" in concern_ids(with_disk({"mode": "independent_persistent"}))
}

test_invalid_capacity if {
	"vmware.disk.capacity.invalid" in concern_ids(with_disk({"capacity": 0}))
}

test_disk_serial_truncation if {
	"vmware.disk.serial.truncated" in concern_ids(object.union(clean_vm, {"diskEnableUuid": true}))
}

test_rdm if {
	"vmware.disk.rdm.detected" in concern_ids(with_disk({"rdm": true}))
}

test_shared_disk if {
	"vmware.disk.shared.detected" in concern_ids(with_disk({"shared": true}))
}

test_nvme_disk if {
	d := object.union(clean_vm.disks[0], {"bus": "nvme"})
	found := concerns with input as object.union(clean_vm, {"disks": [d]})
	some c in found
	c.id == "vmware.disk.nvme.detected"
	c.category == "Critical"
}

test_scsi_disk_is_not_nvme if {
	d := object.union(clean_vm.disks[0], {"bus": "scsi"})
	not "vmware.disk.nvme.detected" in concern_ids(object.union(clean_vm, {"disks": [d]}))
}
