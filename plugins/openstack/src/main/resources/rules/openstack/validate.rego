package io.konveyor.forklift.openstack

import rego.v1

# The document MTV's controller posts: a VM workload with at least a name.
default valid_input := false

valid_input if is_string(input.name)

errors contains "No VM workload in the input: expected an object with 'name'" if not valid_input

validate := {"rules_version": RULES_VERSION, "errors": errors, "concerns": concerns}
