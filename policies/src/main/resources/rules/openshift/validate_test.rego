package io.konveyor.forklift.openshift

import rego.v1

clean_vm := {
	"id": "uid-1", "name": "vm-a", "namespace": "apps", "version": "12",
	"object": {"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine", "metadata": {"name": "vm-a"},
		"spec": {"runStrategy": "Always", "template": {"spec": {"domain": {"cpu": {"cores": 2}, "devices": {}}}}}},
}

concern_ids(vm) := {c.id | some c in found} if {
	found := concerns with input as vm
}

with_vmi_spec(s) := object.union(clean_vm, {"object": {"spec": {"template": {"spec": s}}}})

test_clean_vm_has_no_concerns if count(concern_ids(clean_vm)) == 0

test_validate_shape if {
	r := validate with input as clean_vm
	r.rules_version == RULES_VERSION
	count(r.errors) == 0
}

test_name if "openshift.name.invalid" in concern_ids(object.union(clean_vm, {"name": "VM_A"}))

test_run_strategy if "openshift.run_strategy.unsupported" in concern_ids(object.union(clean_vm, {"object": {"spec": {"runStrategy": "Manual"}}}))

test_host_devices if "openshift.host_devices.detected" in concern_ids(with_vmi_spec({"domain": {"devices": {"hostDevices": [{"name": "d", "deviceName": "x/y"}]}}}))

test_gpus if "openshift.host_devices.detected" in concern_ids(with_vmi_spec({"domain": {"devices": {"gpus": [{"name": "g", "deviceName": "nvidia.com/T4"}]}}}))

test_dedicated_cpu if "openshift.cpu.dedicated" in concern_ids(with_vmi_spec({"domain": {"cpu": {"dedicatedCpuPlacement": true}}}))

test_node_selector if "openshift.node_selector.detected" in concern_ids(with_vmi_spec({"nodeSelector": {"zone": "a"}}))

test_affinity if "openshift.affinity.detected" in concern_ids(with_vmi_spec({"affinity": {"nodeAffinity": {}}}))
