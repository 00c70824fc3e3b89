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

