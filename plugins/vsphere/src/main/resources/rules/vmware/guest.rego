package io.konveyor.forklift.vmware

import rego.v1

# virt-v2v needs free space in the guest's filesystems to install drivers during conversion.
min_free_bytes := 104857600

concerns contains flag if {
	some g in input.guestDisks
	g.capacity > 0
	g.freeSpace < min_free_bytes
	flag := {
		"id": "vmware.guest_disk.free_space.low",
		"category": "Warning",
		"label": sprintf("Low free space on guest filesystem %v", [g.diskPath]),
		"assessment": "The filesystem has less than 100 MiB free. Guest conversion can fail; free some space before migrating.",
	}
}

concerns contains flag if {
	default_hostname
	flag := {
		"id": "vmware.hostname.empty",
		"category": "Warning",
		"label": "Empty or default host name",
		"assessment": "The guest reports an empty or default host name (localhost). The migrated VM may not be reachable by name.",
	}
}

default_hostname if input.hostName == ""

default_hostname if lower(input.hostName) in {"localhost", "localhost.localdomain"}

concerns contains flag if {
	input.powerState == "poweredOn"
	not guest_has_ip
	flag := {
		"id": "vmware.guest_network.ip_missing",
		"category": "Warning",
		"label": "Missing IP addresses",
		"assessment": "The running VM reports no guest IP addresses (VMware Tools missing or not running). Static IPs cannot be preserved.",
	}
}

guest_has_ip if {
	some n in input.guestNetworks
	n.ip != ""
}

concerns contains flag if {
	not input.guestId in supported_guest_ids
	flag := {
		"id": "vmware.os.unsupported",
		"category": "Warning",
		"label": sprintf("Unsupported guest operating system %v", [input.guestId]),
		"assessment": "The guest OS is not in the list of operating systems virt-v2v converts. The migration may fail or the VM may not boot.",
	}
}

supported_guest_ids := {
	"rhel6guest", "rhel6_64Guest", "rhel7guest", "rhel7_64Guest", "rhel8_64Guest", "rhel9_64Guest",
	"centos6Guest", "centos6_64Guest", "centos7Guest", "centos7_64Guest", "centos8_64Guest", "centos9_64Guest",
	"otherLinux64Guest", "otherLinuxGuest", "other3xLinux64Guest", "other4xLinux64Guest", "other5xLinux64Guest",
	"oracleLinux7_64Guest", "oracleLinux8_64Guest", "oracleLinux9_64Guest",
	"sles12_64Guest", "sles15_64Guest", "ubuntu64Guest", "ubuntuGuest", "debian10_64Guest", "debian11_64Guest",
	"debian12_64Guest", "fedora64Guest", "rockylinux_64Guest", "almalinux_64Guest",
	"windows7_64Guest", "windows8_64Guest", "windows9_64Guest", "windows11_64Guest", "windows2019srv_64Guest",
	"windows2019srvNext_64Guest", "windows2022srvNext_64Guest", "windows8Server64Guest", "windows7Server64Guest",
}

# Windows guests whose tools do not map a guest disk to a virtual disk (guest.disk[].mappings, vSphere 7+): the
# drive letter of that disk is unknown, so {{.WinDriveLetter}} in a PVC name template cannot be resolved for it.
concerns contains flag if {
	contains(lower(input.guestId), "windows")
	some disk in input.guestDisks
	object.get(disk, "key", 0) == 0
	flag := {
		"id": "vmware.guestDisks.key.not_found",
		"category": "Information",
		"label": sprintf("Missing disk key mapping for '%v'", [disk.diskPath]),
		"assessment": "winDriveLetter cannot be resolved in PVC name templates without a disk key mapping.",
	}
}
