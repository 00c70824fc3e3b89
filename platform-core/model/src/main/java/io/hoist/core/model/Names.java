package io.hoist.core.model;

import java.util.Optional;
import java.util.regex.Pattern;

/** Kubernetes name rules; each check returns the problem in words, or empty when the name is valid. */
public final class Names {
    public static final int LABEL_MAX = 63;
    public static final int SUBDOMAIN_MAX = 253;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private Names() {
    }

    /** DNS-1123 label: at most 63 lower-case alphanumerics or '-', starting and ending alphanumeric. */
    public static Optional<String> checkLabel(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("must not be empty");
        }
        if (name.length() > LABEL_MAX) {
            return Optional.of("must be no more than 63 characters (is " + name.length() + ")");
        }
        if (!LABEL.matcher(name).matches()) {
            return Optional.of("a DNS-1123 label must consist of lower case alphanumeric characters or '-', and must "
                    + "start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')");
        }
        return Optional.empty();
    }

    /** DNS-1123 subdomain: at most 253 characters, labels separated by '.'. */
    public static Optional<String> checkSubdomain(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("must not be empty");
        }
        if (name.length() > SUBDOMAIN_MAX) {
            return Optional.of("must be no more than 253 characters (is " + name.length() + ")");
        }
        if (!SUBDOMAIN.matcher(name).matches()) {
            return Optional.of("a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                    + "and must start and end with an alphanumeric character (e.g. 'example.com')");
        }
        return Optional.empty();
    }

    public static boolean isLabel(String name) {
        return checkLabel(name).isEmpty();
    }

    public static boolean isSubdomain(String name) {
        return checkSubdomain(name).isEmpty();
    }
}
