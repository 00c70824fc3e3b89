package io.konveyor.forklift.ovirt

import rego.v1

# Hoist's own (MTV has no such rule): warm migration copies deltas through incremental backups, so a disk not
# enabled for them (raw disks, backup mode "none") keeps the VM from migrating warm. Information, not Warning:
# concerns do not know the plan, and most oVirt VMs (preallocated raw disks) migrate cold without trouble; a warm
# plan's VM with such a disk fails its first precopy with VMIncrementalBackupNotEnabled naming the disks.
concerns contains flag("ovirt.warm_migration.incremental_backup.disabled", "Information",
	sprintf("Warm migration not possible: incremental backup disabled on disk %v", [a.disk.name]),
	"Warm migration needs incremental backup on every disk (qcow2 disks with backup mode 'incremental'); migrate this VM cold, or enable it.") if {
	some a in object.get(input, "diskAttachments", [])
	a.disk.storageType == "image"
	object.get(a.disk, "backup", "incremental") != "incremental"
}
