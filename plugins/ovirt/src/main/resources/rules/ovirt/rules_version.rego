package io.konveyor.forklift.ovirt

import rego.v1

# Bump RULES_VERSION (or drop a replacement rules_version.rego into DATA/rules/ovirt/) to re-validate the VMs.
RULES_VERSION := 2

rules_version := {"rules_version": RULES_VERSION}
