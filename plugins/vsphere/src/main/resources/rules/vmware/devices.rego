package io.konveyor.forklift.vmware

import rego.v1

has_device(kind) if {
	some d in input.devices
	d.kind == kind
}

concerns contains flag if {
	has_device("VirtualPCIPassthrough")
	flag := {
		"id": "vmware.device.passthrough",
		"category": "Critical",
		"label": "PCI passthrough device detected",
		"assessment": "The VM uses a PCI passthrough device. It is not migrated; the VM may not work without it.",
	}
}

concerns contains flag if {
	has_device("VirtualSriovEthernetCard")
	flag := {
		"id": "vmware.device.sriov",
		"category": "Warning",
		"label": "SR-IOV NIC detected",
		"assessment": "SR-IOV interfaces are migrated as regular interfaces unless the network map targets an SR-IOV network.",
	}
}

concerns contains flag if {
	input.tpmEnabled == true
	flag := {
		"id": "vmware.tpm.detected",
		"category": "Warning",
		"label": "TPM detected",
		"assessment": "The VM has a virtual TPM. Its state (and keys sealed in it, e.g. BitLocker) is not migrated.",
	}
}

concerns contains flag if {
	some d in input.devices
	startswith(d.kind, "VirtualUSB")
	flag := {
		"id": "vmware.usb_controller.detected",
		"category": "Warning",
		"label": "USB controller detected",
		"assessment": "USB controllers and devices are not migrated.",
	}
}
