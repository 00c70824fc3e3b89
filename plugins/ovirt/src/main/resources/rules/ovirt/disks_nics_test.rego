package io.konveyor.forklift.ovirt

import rego.v1

test_disk_interface if "ovirt.disk.interface_type.unsupported" in concern_ids(with_disk({"interface": "ide"}))

test_disk_illegal if "ovirt.disk.status.unsupported" in concern_ids(with_disk({"disk": {"name": "d", "status": "illegal", "storageType": "image", "shared": false}}))

test_disk_locked if "ovirt.disk.status.unsupported" in concern_ids(with_disk({"disk": {"name": "d", "status": "locked", "storageType": "image", "shared": false}}))

test_disk_storage_type if "ovirt.disk.storage_type.unsupported" in concern_ids(with_disk({"disk": {"name": "d", "status": "ok", "storageType": "cinder", "shared": false}}))

test_shared_disk if "ovirt.disk.shared.detected" in concern_ids(with_disk({"disk": {"name": "d", "status": "ok", "storageType": "image", "shared": true}}))

test_nic_interface if "ovirt.nic.interface_type.unsupported" in concern_ids(with_nic({"interface": "spapr_vlan"}))

test_nic_filter if "ovirt.nic.network_filter.detected" in concern_ids(with_nic({"profile": {"networkFilter": "vdsm-no-mac-spoofing", "passThrough": false, "portMirroring": false, "qos": ""}}))

test_nic_passthrough if "ovirt.nic.passthrough.detected" in concern_ids(with_nic({"profile": {"networkFilter": "", "passThrough": true, "portMirroring": false, "qos": ""}}))

test_nic_unplugged if "ovirt.nic.unplugged.detected" in concern_ids(with_nic({"plugged": false}))

test_nic_port_mirroring if "ovirt.nic.port_mirroring.detected" in concern_ids(with_nic({"profile": {"networkFilter": "", "passThrough": false, "portMirroring": true, "qos": ""}}))

test_nic_qos if "ovirt.nic.qos.detected" in concern_ids(with_nic({"profile": {"networkFilter": "", "passThrough": false, "portMirroring": false, "qos": "qos-1"}}))
