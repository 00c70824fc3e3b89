package io.konveyor.forklift.ovirt

import rego.v1

clean_vm := {
	"id": "vm-1", "name": "db-01", "status": "down", "balloonedMemory": false, "bootMenuEnabled": false,
	"customCpuModel": "", "cpuPinningPolicy": "none", "cpuAffinity": [], "cpuShares": 0, "properties": [],
	"haEnabled": false, "hostDevices": [], "ioThreads": 0, "numaNodeAffinity": [], "snapshots": [],
	"placementPolicyAffinity": "pinned", "bios": "q35_ovmf", "osType": "rhel_9x64", "usbEnabled": false,
	"watchDogs": [], "hasIllegalImages": false, "display": "vnc", "storageErrorResumeBehaviour": "auto_resume",
	"cluster": {"id": "c1", "haReservation": false, "ksmEnabled": false},
	"diskAttachments": [{"id": "a1", "interface": "virtio_scsi", "scsiReservation": false, "disk": {"id": "d1", "name": "db-01_Disk1", "status": "ok", "storageType": "image", "shared": false, "provisionedSize": 10737418240, "backup": "incremental"}}],
	"nics": [{"name": "nic1", "interface": "virtio", "plugged": true, "profile": {"networkFilter": "", "passThrough": false, "portMirroring": false, "qos": "", "properties": []}}],
}

concerns_of(vm) := found if {
	found := concerns with input as vm
}

concern_ids(vm) := {c.id | some c in concerns_of(vm)}

with_disk(a) := object.union(clean_vm, {"diskAttachments": [object.union(clean_vm.diskAttachments[0], a)]})

with_nic(n) := object.union(clean_vm, {"nics": [object.union(clean_vm.nics[0], n)]})

test_clean_vm_has_no_concerns if count(concern_ids(clean_vm)) == 0

test_validate_shape if {
	r := validate with input as clean_vm
	r.rules_version == RULES_VERSION
	count(r.errors) == 0
}

test_missing_input_is_an_error if {
	r := validate with input as {}
	count(r.errors) == 1
}
