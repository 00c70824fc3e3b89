package io.konveyor.forklift.vmware

import rego.v1

# Bump RULES_VERSION (or drop a replacement rules_version.rego into DATA/rules/vmware/) to make the
# validation service re-validate every vSphere VM.
RULES_VERSION := 2

rules_version := {"rules_version": RULES_VERSION}
