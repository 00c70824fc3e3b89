package io.konveyor.forklift.ova

import rego.v1

# Bump RULES_VERSION (or drop a replacement rules_version.rego into DATA/rules/ova/) to re-validate the VMs.
RULES_VERSION := 1

rules_version := {"rules_version": RULES_VERSION}
