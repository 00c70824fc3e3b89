package io.hoist.api;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes' DNS-1123 name rules, the one implementation the platform (admission, target names) and the plugins
 * (manifests) check names with. Each check returns the problem in words, or empty when the name is valid.
 */
public final class KubernetesNames {
    public static final int LABEL_MAX = 63;
    public static final int SUBDOMAIN_MAX = 253;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private KubernetesNames() {
    }

    /** DNS-1123 label: at most 63 lower-case alphanumerics or '-', starting and ending alphanumeric. */
    public static Optional<String> checkLabel(String name) {
        return check(name, LABEL_MAX, LABEL, "a DNS-1123 label must consist of lower case alphanumeric characters or '-', "
                + "and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')");
    }

    /** DNS-1123 subdomain: at most 253 characters, labels separated by '.'. */
    public static Optional<String> checkSubdomain(String name) {
        return checkSubdomain(name, SUBDOMAIN_MAX);
    }

    /** As {@link #checkSubdomain(String)} with a shorter limit (e.g. a generateName prefix that gets a suffix). */
    public static Optional<String> checkSubdomain(String name, int maxLength) {
        return check(name, maxLength, SUBDOMAIN, "a DNS-1123 subdomain must consist of lower case alphanumeric characters, "
                + "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')");
    }

    public static boolean isLabel(String name) {
        return checkLabel(name).isEmpty();
    }

    public static boolean isSubdomain(String name) {
        return checkSubdomain(name).isEmpty();
    }

    private static Optional<String> check(String name, int maxLength, Pattern pattern, String rule) {
        if (name == null || name.isEmpty()) {
            return Optional.of("must not be empty");
        }
        if (name.length() > maxLength) {
            return Optional.of("must be no more than " + maxLength + " characters (is " + name.length() + ")");
        }
        if (!pattern.matcher(name).matches()) {
            return Optional.of(rule);
        }
        return Optional.empty();
    }
}
