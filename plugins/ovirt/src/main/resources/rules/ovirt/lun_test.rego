package io.konveyor.forklift.ovirt

import rego.v1

lun_disk := object.union(clean_vm.diskAttachments[0].disk, {"name": "oracle-asm", "storageType": "lun",
	"lun": {"logicalUnits": {"logicalUnit": [{"lunId": "36001405aa", "size": 10737418240}]}}})

lun_concern := c if {
	some c in concerns_of(with_disk({"disk": lun_disk}))
	c.id == "ovirt.disk.lun.unsupported"
}

test_lun_is_critical_and_named if {
	lun_concern.category == "Critical"
	contains(lun_concern.label, "oracle-asm")
	contains(lun_concern.assessment, "36001405aa")
}

test_lun_without_unit_ids if {
	some c in concerns_of(with_disk({"disk": object.union(clean_vm.diskAttachments[0].disk, {"storageType": "lun"})}))
	c.id == "ovirt.disk.lun.unsupported"
	not contains(c.assessment, "(LUN")
}

test_image_disk_is_not_a_lun if not lun_concern_of_clean

lun_concern_of_clean if {
	some c in concerns_of(clean_vm)
	c.id == "ovirt.disk.lun.unsupported"
}
