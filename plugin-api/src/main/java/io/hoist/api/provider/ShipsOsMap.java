package io.hoist.api.provider;

import java.util.Map;

/**
 * Optional ability of a {@link SourceProviderFactory}: the default OS map of its Provider type, the guest OS id its
 * {@link io.hoist.api.source.SourceVm#osType()} carries → the KubeVirt preference of the target (as MTV's
 * {@code forklift-vsphere-osmap} does for vSphere). The engine uses it for a type it has no built-in map for; a
 * guest OS with no entry gets no preference and the plan an {@code OsNotMapped} condition.
 */
public interface ShipsOsMap {
    /** Guest OS id → KubeVirt preference name; called once per plan pass or VM run, so it should be a constant. */
    Map<String, String> defaultOsMap();
}
