package io.hoist.cli;

import io.hoist.core.model.ResourceKind;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Resolves the KIND argument as kubectl does: Kind, singular or plural, any case. */
public final class Kinds {
    private Kinds() {}

    public static ResourceKind resolve(String name) {
        return ResourceKind.byAnyName(name).or(() -> ResourceKind.byKind(name)).orElseThrow(() -> new CliException(
                "unknown kind '" + name + "'; one of: " + Arrays.stream(ResourceKind.values())
                        .map(ResourceKind::singular).collect(Collectors.joining(", "))));
    }
}
