package io.hoist.cli;

import io.hoist.cli.client.ApiClient;
import io.hoist.cli.client.ApiException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code hoist create namespace NAME...}, as {@code kubectl create namespace}: objects go only into namespaces that
 * exist. The other kinds are created from manifests ({@code hoist apply -f}).
 */
@Command(name = "create", description = {"Create namespaces (objects of the other kinds: hoist apply -f FILE).",
        "Example: hoist create namespace wave-1"})
public final class CreateCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "KIND", description = "namespace (ns)")
    String kind;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "NAME", description = "One or more namespace names.")
    List<String> names = new ArrayList<>();

    @Override
    protected int execute() {
        if (!Namespaces.isNamespaceKind(kind)) {
            throw new CliException("KIND: hoist create makes namespaces only ('hoist create namespace NAME');"
                    + " create " + kind + " objects from a manifest with 'hoist apply -f FILE'");
        }
        ApiClient api = client();
        int failures = 0;
        for (String name : names) {
            try {
                api.createNamespace(Namespaces.object(name));
                out().println("namespace/" + name + " created");
            } catch (ApiException e) {
                failures++;
                err().println(context().terminal().red("error:") + " namespace/" + name + ": " + ErrorLine.of(e));
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
