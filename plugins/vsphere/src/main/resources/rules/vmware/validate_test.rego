package io.konveyor.forklift.vmware

import rego.v1

# A vSphere workload document, as plugins/vsphere publishes it, with nothing to report.
clean_vm := {
	"id": "vm-1", "name": "web-01", "powerState": "poweredOn", "guestId": "rhel9_64Guest",
	"changeTrackingEnabled": true, "consolidationNeeded": false, "snapshot": {"kind": "", "id": ""},
	"cpuAffinity": [], "cpuHotAddEnabled": false, "cpuHotRemoveEnabled": false, "memoryHotAddEnabled": false,
	"numaNodeAffinity": [], "faultToleranceEnabled": false, "tpmEnabled": false, "diskEnableUuid": false,
	"hostName": "web-01.example.com", "devices": [],
	"disks": [{"file": "[ds1] web-01/web-01.vmdk", "datastore": {"kind": "Datastore", "id": "datastore-1"},
		"capacity": 10737418240, "shared": false, "rdm": false, "mode": "persistent", "changeTrackingEnabled": true}],
	"guestNetworks": [{"device": "4000", "mac": "00:50:56:01:02:03", "ip": "10.0.0.5", "origin": "", "prefix": 24}],
	"guestDisks": [{"diskPath": "/", "capacity": 10000000000, "freeSpace": 5000000000}],
	"host": {"id": "host-1", "cluster": {"id": "domain-c1", "drsEnabled": false}},
}

concern_ids(vm) := {c.id | some c in found} if {
	found := concerns with input as vm
}

test_clean_vm_has_no_concerns if {
	count(concern_ids(clean_vm)) == 0
}

test_validate_shape if {
	r := validate with input as clean_vm
	r.rules_version == RULES_VERSION
	count(r.errors) == 0
	count(r.concerns) == 0
}

test_missing_input_is_an_error if {
	r := validate with input as {"foo": 1}
	count(r.errors) == 1
}

test_rules_version_document if {
	rules_version.rules_version == RULES_VERSION
}
