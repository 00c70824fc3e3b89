package io.konveyor.forklift.ovirt

import rego.v1

disk_with(changes) := object.union(clean_vm.diskAttachments[0].disk, changes)

profile_with(changes) := object.union(clean_vm.nics[0].profile, changes)

test_disk_interface if "ovirt.disk.interface_type.unsupported" in concern_ids(with_disk({"interface": "ide"}))

test_disk_illegal if "ovirt.disk.illegal_or_locked_status" in concern_ids(with_disk({"disk": disk_with({"status": "illegal"})}))

test_disk_locked if "ovirt.disk.illegal_or_locked_status" in concern_ids(with_disk({"disk": disk_with({"status": "locked"})}))

test_disk_storage_type if "ovirt.disk.storage_type.unsupported" in concern_ids(with_disk({"disk": disk_with({"storageType": "cinder"})}))

test_shared_disk if "ovirt.disk.shared.detected" in concern_ids(with_disk({"disk": disk_with({"shared": true})}))

test_scsi_reservation if "ovirt.disk.scsi_reservation.enabled" in concern_ids(with_disk({"scsiReservation": true}))

test_zero_capacity if "ovirt.disk.capacity.invalid" in concern_ids(with_disk({"disk": disk_with({"provisionedSize": 0})}))

test_lun_without_size if "ovirt.disk.capacity.invalid" in concern_ids(with_disk({"disk": disk_with({"storageType": "lun", "lun": {"logicalUnits": {"logicalUnit": [{"lunId": "360014", "size": 0}]}}})}))

test_too_many_disks if {
	many := [clean_vm.diskAttachments[0] | some _ in numbers.range(1, 166)]
	"ovirt.disk.count.exceeds.limit" in concern_ids(object.union(clean_vm, {"diskAttachments": many}))
}

test_nic_interface if "ovirt.nic.interface_type.unsupported" in concern_ids(with_nic({"interface": "spapr_vlan"}))

test_nic_filter if "ovirt.nic.network_filter.detected" in concern_ids(with_nic({"profile": profile_with({"networkFilter": "vdsm-no-mac-spoofing"})}))

test_nic_passthrough_profile if "ovirt.nic.pci_passthrough.detected" in concern_ids(with_nic({"profile": profile_with({"passThrough": true})}))

test_nic_passthrough_interface if "ovirt.nic.pci_passthrough.detected" in concern_ids(with_nic({"interface": "pci_passthrough"}))

test_nic_unplugged if "ovirt.nic.unplugged.detected" in concern_ids(with_nic({"plugged": false}))

test_nic_port_mirroring if "ovirt.nic.port_mirroring.detected" in concern_ids(with_nic({"profile": profile_with({"portMirroring": true})}))

test_nic_qos if "ovirt.nic.qos.detected" in concern_ids(with_nic({"profile": profile_with({"qos": "qos-1"})}))

test_nic_custom_properties if "ovirt.nic.custom_properties.detected" in concern_ids(with_nic({"profile": profile_with({"properties": [{"name": "x", "value": "1"}]})}))
