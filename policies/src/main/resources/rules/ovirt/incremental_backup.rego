package io.konveyor.forklift.ovirt

import rego.v1

# Warm migration of oVirt VMs copies deltas through incremental backups: a disk not enabled for them (raw disks,
# backup mode "none") cannot take part, so the VM can only be migrated cold.
concerns contains flag("ovirt.warm_migration.incremental_backup.disabled", "Warning",
	sprintf("Warm migration not supported: incremental backup disabled on disk %v", [a.disk.name]),
	"Warm migration needs incremental backup enabled on every disk (qcow2 disks with backup mode 'incremental'); migrate this VM cold or enable it.") if {
	some a in input.diskAttachments
	a.disk.storageType == "image"
	object.get(a.disk, "backup", "incremental") != "incremental"
}
