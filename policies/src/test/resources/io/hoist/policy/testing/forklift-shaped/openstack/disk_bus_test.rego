package io.konveyor.forklift.openstack

import rego.v1

test_without_bus if {
	results := concerns with input as {"name": "t", "image": {"properties": {}}}
	count(results) == 0
}

test_with_supported_bus if {
	results := concerns with input as {"name": "t", "image": {"properties": {"hw_disk_bus": "scsi"}}}
	count(results) == 0
}

test_with_unsupported_bus if {
	results := concerns with input as {"name": "t", "image": {"properties": {"hw_disk_bus": "ide"}}}
	count(results) == 1
	print("concerns:", results)
}

test_debug_traces if {
	debug with input as {"name": "t"}
}

test_validate_without_name if {
	result := validate with input as {}
	count(result.errors) == 1
	count(result.concerns) == 0
}
