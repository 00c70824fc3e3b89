package io.konveyor.forklift.ovirt

import rego.v1

lun_disk := object.union(clean_vm.diskAttachments[0].disk, {"name": "oracle-asm", "storageType": "lun",
	"lun": {"logicalUnits": {"logicalUnit": [{"lunId": "36001405aa", "address": "10.46.9.43", "port": "3260",
		"target": "iqn.2003-01.org.example:sn.1", "lunMapping": 1, "size": 10737418240}]}}})

lun_concern := c if {
	some c in concerns_of(with_disk({"disk": lun_disk}))
	c.id == "ovirt.disk.lun.detected"
}

test_lun_is_a_warning_naming_disk_and_lun if {
	lun_concern.category == "Warning"
	contains(lun_concern.label, "oracle-asm")
	contains(lun_concern.assessment, "36001405aa")
	contains(lun_concern.assessment, "must reach its storage")
}

test_lun_with_units_is_not_critical if {
	every c in concerns_of(with_disk({"disk": lun_disk})) {
		c.id != "ovirt.disk.lun.unknown"
	}
}

test_lun_without_units_is_critical if {
	some c in concerns_of(with_disk({"disk": object.union(clean_vm.diskAttachments[0].disk, {"storageType": "lun"})}))
	c.id == "ovirt.disk.lun.unknown"
	c.category == "Critical"
}

test_image_disk_is_not_a_lun if not lun_concern_of_clean

lun_concern_of_clean if {
	some c in concerns_of(clean_vm)
	startswith(c.id, "ovirt.disk.lun.")
}
