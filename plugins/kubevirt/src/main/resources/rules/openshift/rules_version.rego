package io.konveyor.forklift.openshift

import rego.v1

# Bump RULES_VERSION (or drop a replacement rules_version.rego into DATA/rules/openshift/) to re-validate the VMs.
RULES_VERSION := 1

rules_version := {"rules_version": RULES_VERSION}
