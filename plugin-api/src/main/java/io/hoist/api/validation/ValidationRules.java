package io.hoist.api.validation;

import java.util.List;

/**
 * A plugin's default rule package, read by the host from the plugin jar.
 *
 * @param packageName    the package's last name part, e.g. {@code vmware} for {@code io.konveyor.forklift.vmware};
 *                       the rules must define {@code validate} and {@code rules_version} there
 * @param resourceFolder folder of the rule files inside the plugin jar, e.g. {@code rules/vmware}
 * @param files          the {@code .rego} file names in that folder to load (tests left out)
 */
public record ValidationRules(String packageName, String resourceFolder, List<String> files) {
    public ValidationRules {
        files = List.copyOf(files);
    }
}
