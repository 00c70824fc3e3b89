package io.konveyor.forklift.openstack

import rego.v1

# Bump RULES_VERSION (or drop a replacement rules_version.rego into DATA/rules/openstack/) to re-validate the VMs.
RULES_VERSION := 1

rules_version := {"rules_version": RULES_VERSION}
