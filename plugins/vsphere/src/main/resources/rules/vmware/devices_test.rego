package io.konveyor.forklift.vmware

import rego.v1

with_devices(kinds) := object.union(clean_vm, {"devices": [{"kind": k} | some k in kinds]})

test_pci_passthrough if {
	"vmware.device.passthrough" in concern_ids(with_devices(["VirtualPCIPassthrough"]))
}

test_sriov if {
	"vmware.device.sriov" in concern_ids(with_devices(["VirtualSriovEthernetCard"]))
}

test_tpm if {
	"vmware.tpm.detected" in concern_ids(object.union(clean_vm, {"tpmEnabled": true}))
}

test_usb_controller if {
	"vmware.usb_controller.detected" in concern_ids(with_devices(["VirtualUSBXHCIController"]))
}
