package io.hoist.cli;

import picocli.CommandLine.Mixin;

/** A client command scoped to one namespace ({@code -n}). */
public abstract class NamespacedCommand extends ClientCommand {
    @Mixin
    protected NamespaceOption namespaceOption;

    protected String namespace() {
        return namespaceOption.resolve(context());
    }
}
