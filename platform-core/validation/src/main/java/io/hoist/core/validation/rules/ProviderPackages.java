package io.hoist.core.validation.rules;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** MTV's rule packages: one per provider, named by MTV (vmware for vsphere providers). */
public final class ProviderPackages {
    /** Package suffixes, as in /v1/data/io/konveyor/forklift/&lt;provider&gt;/validate. */
    public static final List<String> ALL = List.of("vmware", "ovirt", "openstack", "ova", "openshift");

    private static final Map<String, String> BY_PROVIDER_TYPE = Map.of(
            "vsphere", "vmware", "ovirt", "ovirt", "openstack", "openstack", "ova", "ova", "openshift", "openshift");

    private ProviderPackages() {}

    /** The rule package of a Provider's spec.type, or empty for types without rules (e.g. a destination). */
    public static Optional<String> forProviderType(String type) {
        return Optional.ofNullable(BY_PROVIDER_TYPE.get(type));
    }

    /** The Provider spec.type whose VMs a package validates. */
    public static String providerType(String pkg) {
        return "vmware".equals(pkg) ? "vsphere" : pkg;
    }

    public static String regoPackage(String pkg) {
        return "io.konveyor.forklift." + pkg;
    }
}
