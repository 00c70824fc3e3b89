package io.konveyor.forklift.ovirt

import rego.v1

backup_concern(d) := c if {
	some c in concerns_of(with_disk({"disk": object.union(clean_vm.diskAttachments[0].disk, d)}))
	c.id == "ovirt.warm_migration.incremental_backup.disabled"
}

test_incremental_backup_disabled_is_information if backup_concern({"backup": "none"}).category == "Information"

test_incremental_backup_names_the_disk if contains(backup_concern({"backup": "none"}).label, "db-01_Disk1")

test_incremental_backup_enabled_is_clean if not backup_concern({"backup": "incremental"})

test_lun_disk_is_not_a_backup_concern if not backup_concern({"backup": "none", "storageType": "lun"})
