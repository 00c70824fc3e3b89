package io.hoist.cli;

import picocli.CommandLine.Option;

/** {@code -n NAMESPACE}; defaults to $HOIST_NAMESPACE, else {@code default} (as kubectl). */
public final class NamespaceOption {
    public static final String ENV = "HOIST_NAMESPACE";

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
            description = "Namespace (default: $HOIST_NAMESPACE, else 'default').")
    String namespace;

    public String resolve(CliContext context) {
        if (namespace != null && !namespace.isBlank()) {
            return namespace;
        }
        String env = context.env().get(ENV);
        return env != null && !env.isBlank() ? env : "default";
    }
}
