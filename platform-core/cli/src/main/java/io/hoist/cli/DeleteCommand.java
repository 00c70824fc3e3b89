package io.hoist.cli;

import io.hoist.core.model.ResourceKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", description = {"Delete one object.", "Example: hoist delete plan web-tier -n demo"})
public final class DeleteCommand extends NamespacedCommand {
    @Parameters(index = "0", paramLabel = "KIND", description = "Kind (singular, plural or Kind).")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Override
    protected int execute() {
        ResourceKind k = Kinds.resolve(kind);
        client().delete(k, namespace(), name);
        out().println(k.singular() + "/" + name + " deleted");
        return 0;
    }
}
