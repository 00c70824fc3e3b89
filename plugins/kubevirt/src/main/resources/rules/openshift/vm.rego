package io.konveyor.forklift.openshift

import rego.v1

# plugins/kubevirt publishes {id, name, namespace, version, object}: object is the whole VirtualMachine.

flag(id, category, label, assessment) := {"id": id, "category": category, "label": label, "assessment": assessment}

vmi_spec := object.get(input, ["object", "spec", "template", "spec"], {})

concerns contains flag("openshift.name.invalid", "Warning", "Invalid VM name",
	"The VM name is not a DNS-1123 label of at most 63 characters.") if {
	not valid_vm_name(input.name)
}

valid_vm_name(name) if {
	count(name) <= 63
	regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, name)
}

concerns contains flag("openshift.run_strategy.unsupported", "Warning", sprintf("Run strategy %v", [strategy]),
	"The VM's run strategy is reset to the migration's target power state.") if {
	strategy := object.get(input, ["object", "spec", "runStrategy"], "")
	strategy in {"Manual", "RerunOnFailure", "Once"}
}

concerns contains flag("openshift.host_devices.detected", "Critical", "Host devices or GPUs attached",
	"Host devices and GPUs must exist on the target cluster under the same resource names.") if {
	some kind in ["hostDevices", "gpus"]
	count(object.get(vmi_spec, ["domain", "devices", kind], [])) > 0
}

concerns contains flag("openshift.cpu.dedicated", "Warning", "Dedicated CPU placement",
	"The VM needs CPU-manager enabled nodes on the target cluster.") if {
	object.get(vmi_spec, ["domain", "cpu", "dedicatedCpuPlacement"], false) == true
}

concerns contains flag("openshift.node_selector.detected", "Warning", "Node selector set",
	"The node selector is copied; the target cluster must have matching node labels.") if {
	count(object.get(vmi_spec, "nodeSelector", {})) > 0
}

concerns contains flag("openshift.affinity.detected", "Warning", "Affinity rules set",
	"Node and pod affinity rules are copied; they may not be satisfiable on the target cluster.") if {
	count(object.get(vmi_spec, "affinity", {})) > 0
}
