package io.konveyor.forklift.vmware

import rego.v1

test_enough_space if {
	results := concerns with input as {"guestDisks": [{"diskPath": "/", "freeSpace": 524288000}]}
	count(results) == 0
}

test_low_space if {
	results := concerns with input as {"guestDisks": [{"diskPath": "/", "freeSpace": 1048576}]}
	some r in results
	r.assessment == "The guest filesystem '/' has 1 MB of free space, but a minimum of 100 MB is required."
}

test_no_guest_disks if {
	results := concerns with input as {}
	count(results) == 0
}
