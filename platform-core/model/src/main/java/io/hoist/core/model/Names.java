package io.hoist.core.model;

import io.hoist.api.KubernetesNames;
import java.util.Optional;

/** Kubernetes name rules for the platform: the plugin API's {@link KubernetesNames}, the one implementation. */
public final class Names {
    public static final int LABEL_MAX = KubernetesNames.LABEL_MAX;
    public static final int SUBDOMAIN_MAX = KubernetesNames.SUBDOMAIN_MAX;

    private Names() {
    }

    /** DNS-1123 label: at most 63 lower-case alphanumerics or '-', starting and ending alphanumeric. */
    public static Optional<String> checkLabel(String name) {
        return KubernetesNames.checkLabel(name);
    }

    /** DNS-1123 subdomain: at most 253 characters, labels separated by '.'. */
    public static Optional<String> checkSubdomain(String name) {
        return KubernetesNames.checkSubdomain(name);
    }

    public static boolean isLabel(String name) {
        return KubernetesNames.isLabel(name);
    }

    public static boolean isSubdomain(String name) {
        return KubernetesNames.isSubdomain(name);
    }
}
