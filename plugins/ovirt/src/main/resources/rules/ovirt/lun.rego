package io.konveyor.forklift.ovirt

import rego.v1

# Hoist's own: MTV detaches a direct LUN from the source VM and attaches it to the target VM through a
# PersistentVolume. Hoist's destinations cannot attach a LUN yet, so a VM with one is blocked (Critical: the plan
# shows VMCriticalConcerns with this label) instead of migrating without the disk.
concerns contains flag("ovirt.disk.lun.unsupported", "Critical",
	sprintf("Direct LUN disk %v cannot be migrated by Hoist", [object.get(a.disk, "name", a.disk.id)]),
	sprintf("Disk %v is a direct LUN%v. Hoist cannot yet detach a LUN and attach it to the target VM (MTV's LUN handling); remove the disk from the VM, or migrate this VM with MTV.", [object.get(a.disk, "name", a.disk.id), lun_ids(a.disk)])) if {
	some a in object.get(input, "diskAttachments", [])
	a.disk.storageType == "lun"
}

lun_ids(disk) := sprintf(" (LUN %v)", [concat(", ", ids)]) if {
	ids := [u.lunId | some u in disk.lun.logicalUnits.logicalUnit; u.lunId != ""]
	count(ids) > 0
} else := ""
