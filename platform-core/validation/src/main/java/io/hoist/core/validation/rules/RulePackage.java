package io.hoist.core.validation.rules;

import java.util.List;

/**
 * One validation package: MTV's name for it ({@code vmware}, {@code ova}...), the Provider {@code spec.type} whose
 * VMs it validates, and its default rule files (from the provider's plugin, or from hoist-policies).
 */
public record RulePackage(String name, String providerType, List<RuleFile> defaults) {
    public RulePackage {
        if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("rule package name: must be a lower-case Rego identifier, got " + name);
        }
        if (providerType == null || providerType.isBlank()) {
            throw new IllegalArgumentException("rule package " + name + ": providerType is required");
        }
        defaults = List.copyOf(defaults);
    }

    /** The Rego package, as in /v1/data/io/konveyor/forklift/&lt;name&gt;/validate. */
    public String regoPackage() {
        return regoPackage(name);
    }

    public static String regoPackage(String name) {
        return "io.konveyor.forklift." + name;
    }
}
