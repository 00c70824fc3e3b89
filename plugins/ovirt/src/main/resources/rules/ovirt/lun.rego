package io.konveyor.forklift.ovirt

import rego.v1

# As MTV: a direct LUN is not copied; it is detached (not removed) from the source VM and attached to the target VM
# through a PersistentVolume, so the target's nodes must reach the LUN's storage. Not with warm migration (the plan
# says so: LunDisksWarmMigration).
concerns contains flag("ovirt.disk.lun.detected", "Warning",
	sprintf("Direct LUN disk %v is attached to the target, not copied", [object.get(a.disk, "name", a.disk.id)]),
	sprintf("Disk %v is a direct LUN%v. It is detached from the source VM (the disk is kept) and attached to the target VM through a PersistentVolume: the target cluster's nodes must reach its storage. Not supported with warm migration.", [object.get(a.disk, "name", a.disk.id), lun_ids(a.disk)])) if {
	some a in object.get(input, "diskAttachments", [])
	a.disk.storageType == "lun"
	count(lun_units(a.disk)) > 0
}

# A LUN whose logical unit the engine does not report cannot be attached anywhere.
concerns contains flag("ovirt.disk.lun.unknown", "Critical",
	sprintf("Direct LUN disk %v has no logical unit details", [object.get(a.disk, "name", a.disk.id)]),
	sprintf("Disk %v is a direct LUN but the engine reports no logical unit (address, target, LUN id) for it, so it cannot be attached to the target VM; check the LUN in the engine, or remove the disk from the VM.", [object.get(a.disk, "name", a.disk.id)])) if {
	some a in object.get(input, "diskAttachments", [])
	a.disk.storageType == "lun"
	count(lun_units(a.disk)) == 0
}

lun_units(disk) := [u | some u in object.get(object.get(object.get(disk, "lun", {}), "logicalUnits", {}), "logicalUnit", []); object.get(u, "lunId", "") != ""]

lun_ids(disk) := sprintf(" (LUN %v)", [concat(", ", [u.lunId | some u in lun_units(disk)])]) if {
	count(lun_units(disk)) > 0
} else := ""
