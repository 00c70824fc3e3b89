package io.konveyor.forklift.vmware

import rego.v1

test_upper_case_name if {
	"vmware.name.invalid" in concern_ids(object.union(clean_vm, {"name": "Web_01"}))
}

test_long_name if {
	long := concat("", ["a" | some _ in numbers.range(1, 64)])
	"vmware.name.invalid" in concern_ids(object.union(clean_vm, {"name": long}))
}

test_63_char_name_is_fine if {
	ok := concat("", ["a" | some _ in numbers.range(1, 63)])
	not "vmware.name.invalid" in concern_ids(object.union(clean_vm, {"name": ok}))
}
