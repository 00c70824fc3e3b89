package io.konveyor.forklift.openshift

import rego.v1

# One test per concern of vm.rego; clean_vm and concern_ids are in validate_test.rego.

test_name if "openshift.name.invalid" in concern_ids(object.union(clean_vm, {"name": "VM_A"}))

test_run_strategy if "openshift.run_strategy.unsupported" in concern_ids(object.union(clean_vm, {"object": {"spec": {"runStrategy": "Manual"}}}))

test_host_devices if "openshift.host_devices.detected" in concern_ids(with_vmi_spec({"domain": {"devices": {"hostDevices": [{"name": "d", "deviceName": "x/y"}]}}}))

test_gpus if "openshift.host_devices.detected" in concern_ids(with_vmi_spec({"domain": {"devices": {"gpus": [{"name": "g", "deviceName": "nvidia.com/T4"}]}}}))

test_dedicated_cpu if "openshift.cpu.dedicated" in concern_ids(with_vmi_spec({"domain": {"cpu": {"dedicatedCpuPlacement": true}}}))

test_node_selector if "openshift.node_selector.detected" in concern_ids(with_vmi_spec({"nodeSelector": {"zone": "a"}}))

test_affinity if "openshift.affinity.detected" in concern_ids(with_vmi_spec({"affinity": {"nodeAffinity": {}}}))
