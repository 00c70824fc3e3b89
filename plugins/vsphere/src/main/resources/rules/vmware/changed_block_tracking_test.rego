package io.konveyor.forklift.vmware

import rego.v1

test_cbt_disabled_on_vm if {
	"vmware.changed_block_tracking.disabled" in concern_ids(object.union(clean_vm, {"changeTrackingEnabled": false}))
}

test_cbt_disabled_on_one_disk if {
	disk := object.union(clean_vm.disks[0], {"changeTrackingEnabled": false})
	ids := concern_ids(object.union(clean_vm, {"disks": [disk]}))
	"vmware.changed_block_tracking.disk_disabled" in ids
	not "vmware.changed_block_tracking.disabled" in ids
}
